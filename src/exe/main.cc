// main.cc — the composition root of the `belofte` binary: everything is wired in cli/.
#include "cli/cli.h"

int main(int argc, char** argv) { return belofte::cli::Main(argc, argv); }

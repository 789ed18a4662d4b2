// cli.h — the `belofte` command line: parses arguments and runs a command.
//
// Commands: init, demo, check, version (serve, token, import, export and eval arrive with
// their issues). Each command is a function taking its parsed options and returning the exit
// code; all output goes to the given streams so tests can capture it.
// Thread safety: call from main() only.
#pragma once

#include <ostream>
#include <string>

namespace belofte::cli {

int Main(int argc, char** argv);

// The commands, callable from tests.
int Init(const std::string& db, std::ostream& out, std::ostream& err);
int Demo(const std::string& db, std::ostream& out, std::ostream& err);
int Check(const std::string& db, std::ostream& out, std::ostream& err);

}  // namespace belofte::cli

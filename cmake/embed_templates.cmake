# Writes OUT, a C++ file defining belofte::notify::kBuiltinTemplates (name, text) and
# kBuiltinTemplateCount from every DIR/*.mustache file; the name is the file name without
# ".mustache" ("backordered.nl.txt").
file(GLOB FILES ${DIR}/*.mustache)
list(SORT FILES)
set(BODY "")
set(COUNT 0)
foreach(F ${FILES})
  get_filename_component(NAME ${F} NAME)
  string(REGEX REPLACE "\\.mustache$" "" NAME "${NAME}")
  file(READ ${F} TEXT)
  string(FIND "${TEXT}" ")__mustache__" CLASH)
  if(NOT CLASH EQUAL -1)
    message(FATAL_ERROR "${F} contains the raw-string delimiter )__mustache__")
  endif()
  string(APPEND BODY "    {\"${NAME}\", R\"__mustache__(${TEXT})__mustache__\"},\n")
  math(EXPR COUNT "${COUNT} + 1")
endforeach()
file(WRITE ${OUT} "// Generated from src/notify/templates/*.mustache by cmake/embed_templates.cmake. Do not edit.\n"
                  "#include <cstddef>\n"
                  "namespace belofte::notify {\n"
                  "struct EmbeddedTemplate {\n  const char* name;\n  const char* text;\n};\n"
                  "extern const EmbeddedTemplate kBuiltinTemplates[];\n"
                  "extern const size_t kBuiltinTemplateCount;\n"
                  "const EmbeddedTemplate kBuiltinTemplates[] = {\n${BODY}};\n"
                  "const size_t kBuiltinTemplateCount = ${COUNT};\n"
                  "}  // namespace belofte::notify\n")

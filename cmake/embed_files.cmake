# Writes OUT, a C++ file defining ${NAMESPACE}::kFiles (name, text) and kFileCount from every
# file in DIR (the name is the file name: "status.js"). Text files only; each is a raw string.
file(GLOB FILES ${DIR}/*)
list(SORT FILES)
set(BODY "")
set(COUNT 0)
foreach(F ${FILES})
  get_filename_component(NAME ${F} NAME)
  file(READ ${F} TEXT)
  string(FIND "${TEXT}" ")__embedded__" CLASH)
  if(NOT CLASH EQUAL -1)
    message(FATAL_ERROR "${F} contains the raw-string delimiter )__embedded__")
  endif()
  string(APPEND BODY "    {\"${NAME}\", R\"__embedded__(${TEXT})__embedded__\"},\n")
  math(EXPR COUNT "${COUNT} + 1")
endforeach()
file(WRITE ${OUT} "// Generated from ${DIR} by cmake/embed_files.cmake. Do not edit.\n"
                  "#include <cstddef>\n"
                  "namespace ${NAMESPACE} {\n"
                  "struct EmbeddedFile {\n  const char* name;\n  const char* text;\n};\n"
                  "extern const EmbeddedFile kFiles[];\n"
                  "extern const size_t kFileCount;\n"
                  "const EmbeddedFile kFiles[] = {\n${BODY}};\n"
                  "const size_t kFileCount = ${COUNT};\n"
                  "}  // namespace ${NAMESPACE}\n")

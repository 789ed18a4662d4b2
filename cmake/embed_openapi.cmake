# Writes OUT, a C++ file defining belofte::api::kOpenApiDocument with the contents of IN.
file(READ ${IN} DOCUMENT)
file(WRITE ${OUT} "// Generated from src/api/openapi.json by cmake/embed_openapi.cmake. Do not edit.\n"
                  "namespace belofte::api {\n"
                  "extern const char* const kOpenApiDocument;\n"
                  "const char* const kOpenApiDocument = R\"__openapi__(${DOCUMENT})__openapi__\";\n"
                  "}  // namespace belofte::api\n")

# belofte — the two commands a newcomer needs are `make run` and `make test`.
#   make run    install what is missing, build, and serve the demo shop on 127.0.0.1:8080 (SQLite)
#   make test   install what is missing, build, and run every test suite (ends with ctest's summary)
#   make build  the release binary at build/belofte
#   make bench  build and run the benchmarks (figures against DESIGN.md's budget)

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
DB ?= var/belofte.db

.PHONY: all deps build run demo test bench clean format

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) --parallel $(JOBS)

LISTEN ?= 127.0.0.1:8080

run: build
	@mkdir -p var
	$(BUILD_DIR)/belofte serve --db $(DB) --listen $(LISTEN) --demo --admin-token-file var/admin.token

demo: build
	@mkdir -p var
	@rm -f var/demo.db var/demo.db-wal var/demo.db-shm
	$(BUILD_DIR)/belofte demo --db var/demo.db
	$(BUILD_DIR)/belofte check --db var/demo.db

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 900 -j $(JOBS)

bench: build
	bench/run.sh $(BUILD_DIR)

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf $(BUILD_DIR)

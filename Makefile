# Front door: a newcomer never types cmake.
#   make run             the main job: build, start (or reuse) an embedded one-node
#                        system in $(BUILD)/run, run a verified mixed workload
#                        through libdaos, print the results; the system stays up
#   make stop            stop that system cleanly
#   make                 build (installs missing Debian packages first)
#   make test            build and run every test except the long ones
#   make test-long       long soak, crash and fuzz runs
#   make install PREFIX=DIR
#   make clean
#   SANITIZE=1           any of the above with ASan + UBSan, in build-san/
JOBS     ?= 2
PREFIX   ?= /usr/local
SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD    ?= build-san
CMAKE_SAN = -DSANITIZE=ON
else
BUILD    ?= build
CMAKE_SAN = -DSANITIZE=OFF
endif
CTEST_ARGS ?=

.PHONY: all deps configure build run stop test test-long install clean

all: build

deps:
	@scripts/install-deps.sh --check >/dev/null 2>&1 || scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_SAN) -DCMAKE_INSTALL_PREFIX=$(PREFIX)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@scripts/run.sh run $(BUILD)

stop:
	@scripts/run.sh stop $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE "long|wip" $(CTEST_ARGS)

test-long: build
	cd $(BUILD) && ctest --output-on-failure -j 1 -L long $(CTEST_ARGS)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf build build-san

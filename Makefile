# The two commands of the README: `make demo` and `make test`. Both install the Debian
# dependencies (idempotent), configure, build and run. `make soak` runs the long checks of
# docs/invariants.md.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
SANITIZE_BUILD_TYPE ?= Debug
JOBS ?= $(shell nproc)

SOAK_SEEDS ?= 5000

.PHONY: deps configure build test test-sanitize demo bench soak soak-simulation soak-simulation-tsan \
  soak-daemon clean fuzz

deps:
	bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DOJSYNC_WERROR=ON

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 600

# The whole test suite again, built with AddressSanitizer (+ LeakSanitizer) and UBSan in
# SANITIZE_DIR; the programs the integration tests start are the sanitized ones. Any finding
# fails: the tested process exits non-zero, and every report (also from a child process whose
# exit status a test does not check) is written under $(SANITIZE_DIR)/sanitizer-logs, which
# must be empty afterwards.
SANITIZE_DIR ?= build-sanitize
# The simulation runs 10 x this many seeds here instead of 500: 50 seeds took 140 s in this
# build against 3 s in the normal one (Debug + ASan, 2 cores);
# `make soak` keeps the long run.
SANITIZE_SIM_SEEDS_PER_TEST ?= 10
# The kill -9 test imports this many submissions instead of 10,000 (with 10,000 it had not
# converged after its 240 s here).
SANITIZE_CRASH_SUBMISSIONS ?= 2000
SANITIZE_LOGS = $(abspath $(SANITIZE_DIR))/sanitizer-logs
SANITIZE_ENV = \
  ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:strict_string_checks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1:log_path=$(SANITIZE_LOGS)/asan \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(SANITIZE_LOGS)/ubsan \
  OJSYNC_CRASH_SUBMISSIONS=$(SANITIZE_CRASH_SUBMISSIONS)

test-sanitize: deps
	cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(SANITIZE_BUILD_TYPE) -DOJSYNC_WERROR=ON \
	  -DOJSYNC_SANITIZE=address,undefined -DOJSYNC_SIM_SEEDS_PER_TEST=$(SANITIZE_SIM_SEEDS_PER_TEST)
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	rm -rf $(SANITIZE_LOGS) && mkdir -p $(SANITIZE_LOGS)
	$(SANITIZE_ENV) ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS) --timeout 1200; \
	  status=$$?; \
	  if [ -n "$$(ls -A $(SANITIZE_LOGS))" ]; then \
	    echo "Sanitizer reports:"; cat $(SANITIZE_LOGS)/*; exit 1; \
	  fi; \
	  exit $$status

demo: build
	bash scripts/demo.sh $(BUILD_DIR)

bench: build
	bash bench/run.sh $(BUILD_DIR)

# Everything long-running that proves the invariants; more soaks join this list.
soak: soak-simulation soak-simulation-tsan soak-daemon

# The deterministic simulation over SOAK_SEEDS seeds (CTest runs 500); a failing seed prints
# the command that replays it.
soak-simulation: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target ojsync_simulation_tests
	OJSYNC_SIM_FIRST_SEED=1 OJSYNC_SIM_SEEDS=$(SOAK_SEEDS) \
	  $(BUILD_DIR)/tests/simulation/ojsync_simulation_tests --gtest_filter=Simulation.RandomSchedules

# The simulation again under ThreadSanitizer (own build dir): its restarts destroy a
# SyncManager with syncs in flight, and TSan saw in a minute a use-after-free at that
# destruction that 15,000 seeds of the normal build had hit once. Any report fails the run.
TSAN_DIR ?= build-tsan
TSAN_SEEDS ?= 1000

soak-simulation-tsan: deps
	cmake -S . -B $(TSAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOJSYNC_WERROR=ON \
	  -DOJSYNC_SANITIZE=thread
	cmake --build $(TSAN_DIR) -j $(JOBS) --target ojsync_simulation_tests
	TSAN_OPTIONS=halt_on_error=1 OJSYNC_SIM_FIRST_SEED=1 OJSYNC_SIM_SEEDS=$(TSAN_SEEDS) \
	  $(TSAN_DIR)/tests/simulation/ojsync_simulation_tests --gtest_filter=Simulation.RandomSchedules

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_BUILD_DIR) $(TSAN_DIR)

# The daemon and ojs-emulator as processes for 10 minutes: 200 signed events/s, each after a
# real edit in OJS, and an agent's edit through the API with every fourth; reports latency,
# the daemon's RSS, descriptors and queue depth over time, and fails unless both sides agree.
soak-daemon: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target ojsync_event_latency
	$(BUILD_DIR)/bench/ojsync_event_latency --rate 200 --seconds 600 --agent-edits-every 4

# The libFuzzer targets of fuzz/ (clang, ASan, UBSan; own build dir), each run FUZZ_SECONDS
# from its corpus; any finding fails with the saved input's path. FUZZ_MERGE=1 merges the new
# inputs that add coverage into fuzz/corpus/. See fuzz/README.md.
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60

$(FUZZ_BUILD_DIR)/build.ninja:
	cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOJSYNC_WERROR=ON \
	  -DCMAKE_CXX_COMPILER=clang++ -DOJSYNC_FUZZ=ON -DOJSYNC_BUILD_TESTS=OFF -DOJSYNC_BUILD_BENCH=OFF

fuzz: deps $(FUZZ_BUILD_DIR)/build.ninja
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) --target fuzz_targets
	FUZZ_MERGE=$(FUZZ_MERGE) bash fuzz/run.sh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS)

# libclerk's commands. The two that matter:
#
#   make demo   build the library and the C example, start the stand-in, update its
#               seeded user through the C example, print the result, stop the stand-in
#   make test   every test: Rust unit and integration tests, the C tests, the header check
#
# Others: make build (release library, header, stand-in), make lint (rustfmt, clippy,
# rustdoc), make examples (the C and C++ examples against the release library),
# make bench (benchmarks), make install PREFIX=... (header, libraries, pkg-config, CMake).

CARGO ?= cargo
RELEASE_DIR = target/release

.PHONY: all build examples demo test check-header lint bench install uninstall clean
all: build

# Programs linked with -lclerk look for the soname (libclerk.so.0.1) at run time; cargo
# does not make that link, so the build does.
build:
	$(CARGO) build --release -p libclerk -p clerk-stand-in
	@soname=$$(readelf -d $(RELEASE_DIR)/libclerk.so 2>/dev/null | \
		sed -n 's/.*Library soname: \[\(.*\)\]/\1/p'); \
	if [ -n "$$soname" ]; then ln -sf libclerk.so $(RELEASE_DIR)/$$soname; fi

examples: build
	$(MAKE) -C examples-c CLERK_LIB_DIR=../$(RELEASE_DIR)

demo: examples
	examples-c/demo.sh $(RELEASE_DIR)/clerk-stand-in examples-c/build/update_user

# cargo test builds only the Rust library; the C tests need the shared and static
# libraries too, so they are built first.
test:
	$(CARGO) build --workspace
	$(CARGO) test --workspace
	$(MAKE) check-header

# build.rs rewrites include/clerk.h from src/ffi on every build; the header in the
# repository must be the one it writes, so C users never read a stale one.
check-header:
	@if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		echo "check-header: not a git checkout, so there is no committed header to compare"; \
	elif git diff --quiet -- include/clerk.h; then \
		echo "check-header: include/clerk.h matches what build.rs generates"; \
	else \
		git --no-pager diff --stat -- include/clerk.h; \
		echo "check-header: include/clerk.h changed when built; commit the new header"; \
		exit 1; \
	fi

# Benchmarks (see BENCHMARKS.md): a table on the terminal and in target/bench/.
bench: build
	tests/bench/run.sh

# Installs the headers, the libraries, pkg-config and CMake files under PREFIX
# (default /usr/local; DESTDIR stages them); uninstall removes exactly those files.
install: build
	$(MAKE) -f install.mk install

uninstall:
	$(MAKE) -f install.mk uninstall

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps -p libclerk

clean:
	$(CARGO) clean
	$(MAKE) -C examples-c clean

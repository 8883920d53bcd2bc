"""Acronyms researchers type for what paper titles spell out, used by the search index."""

from __future__ import annotations

# Acronyms researchers type for what titles spell out (matched against title words).
ACRONYMS: dict[str, tuple[str, ...]] = {
    "llm": ("large", "language", "model"),
    "llms": ("large", "language", "model"),
    "mllm": ("multimodal", "large", "language", "model"),
    "vlm": ("vision", "language", "model"),
    "rag": ("retrieval", "augmented", "generation"),
    "vit": ("vision", "transformer"),
    "nerf": ("neural", "radiance", "field"),
    "gan": ("generative", "adversarial"),
    "vae": ("variational", "autoencoder"),
    "rl": ("reinforcement", "learning"),
    "rlhf": ("reinforcement", "learning", "human", "feedback"),
    "moe": ("mixture", "of", "expert"),
    "cot": ("chain", "of", "thought"),
    "gnn": ("graph", "neural", "network"),
    "ssm": ("state", "space", "model"),
    "sft": ("supervised", "fine", "tuning"),
    "icl": ("in", "context", "learning"),
    "nvs": ("novel", "view", "synthesis"),
    "3dgs": ("gaussian", "splatting"),
    "dit": ("diffusion", "transformer"),
    "sds": ("score", "distillation", "sampling"),
    "tts": ("text", "to", "speech"),
    "asr": ("speech", "recognition"),
    "kd": ("knowledge", "distillation"),
    "peft": ("parameter", "efficient", "fine", "tuning"),
    "lora": ("low", "rank", "adaptation"),
    "nlp": ("natural", "language", "processing"),
}

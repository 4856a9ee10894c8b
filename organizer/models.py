"""Every feature's models, imported in one place so the metadata is complete."""

from organizer.features import feature_modules

MODEL_MODULES = feature_modules("models")

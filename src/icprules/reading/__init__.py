"""Application documents in: bounded YAML/JSON reading with positions, the v1 model, the input schema."""

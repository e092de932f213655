"""The report and its outputs: findings, masking, text/JSON/SARIF, the generated reference."""

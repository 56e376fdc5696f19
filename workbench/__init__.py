"""Fact-check workbench: claim-level annotation with evidence, agreement and gold exports."""

__version__ = "0.1.0"

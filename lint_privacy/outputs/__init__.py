"""Outputs: findings rendered for people (text), programs (JSON) and code scanning (SARIF)."""

from __future__ import annotations

"""Harvesters of the portal (ckanext-harvest plugins), one module each."""

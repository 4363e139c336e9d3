"""ckanext-scheming schemas and controlled vocabularies (data files)."""

"""The curated knowledge base: entries on disk, their rules, and search over them."""

"""Blueprints by area: auth, main (home, 我的待办, language), health."""

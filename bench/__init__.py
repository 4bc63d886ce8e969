"""pmops' benchmark: a seeded KB generator and whole-process timings against baselines."""

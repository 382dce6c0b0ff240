"""The shared kernel below every module: workflow, codes, permissions, form and view helpers."""

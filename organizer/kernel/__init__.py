"""The kernel: what every feature builds on and nothing else.

Extension-point types and their registries, the request's unit of work, routes declared in several modules
of one feature, the one time type and label helpers. The kernel imports no feature (see ARCHITECTURE.md).
"""

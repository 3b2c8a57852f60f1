"""The bottom layer: errors, the result base class, the document model and shared vocabulary.

Every stage (instruments, io, reliability, analysis, report) may import from here; nothing
here imports a stage.
"""

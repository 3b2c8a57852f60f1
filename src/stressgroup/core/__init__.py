"""The bottom layer: errors, the result base class, the document model and shared vocabulary.

Every stage (instruments, io, reliability, analysis, report) may import from here; nothing
here imports a stage.
"""

#: The package version (the root package re-exports it as ``stressgroup.__version__``).
__version__ = "0.1.0"

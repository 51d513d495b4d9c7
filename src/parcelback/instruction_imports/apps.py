from django.apps import AppConfig


class InstructionImportsConfig(AppConfig):
    name = "parcelback.instruction_imports"
    label = "instruction_imports"
    verbose_name = "Instructions from a spreadsheet"

"""Excel lists in and out, shared by every app that imports or exports people's data.

- `columns`: how a list's columns are described once, for reading, the template and the instructions;
- `cells`: django-import-export widgets that read what Vietnamese users type (dd/mm/yyyy, 1.250.000, labels);
- `upload`: checks that an upload is a real, readable .xlsx with the expected header, before anything else;
- `importing`: the preview-then-confirm flow on top of django-import-export's dry run, all-or-nothing;
- `exporting`: formula-safe workbooks with typed dates and money, each export of personal data logged;
- `template`: the downloadable import template with drop-down lists of what the user may choose;
- `views`: the generic upload/preview/confirm pages an app wires to its own `ImportSpec`.
"""

# Kapsel — cli-help, German: the help text of every command and option (`kapsel --help`). Ids are `cli-help-<command path>` and `cli-help-<command path>--<option>`.

## Aufbau der Hilfe
cli-help-heading-usage = Aufruf:
cli-help-heading-commands = Befehle
cli-help-heading-options = Optionen
cli-help-heading-arguments = Argumente
cli-help-flag-help = Hilfe anzeigen
cli-help-flag-version = Version anzeigen

## Befehle und Optionen

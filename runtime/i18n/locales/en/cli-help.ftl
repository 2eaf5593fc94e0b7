# Kapsel — cli-help, English: the help text of every command and option (`kapsel --help`). Ids are `cli-help-<command path>` and `cli-help-<command path>--<option>`.


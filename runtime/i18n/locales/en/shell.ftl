# Kapsel — English (en-GB conventions: dd/mm/yyyy, 24-hour clock).
# Every message id used by the code must be here and in de.ftl (checked by kapsel-i18n's tests).

## The shell: tabs and general states
shell-tab-mail = Mail
shell-tab-calendar = Calendar
shell-tab-tasks = Tasks
shell-tab-contacts = Contacts
shell-tab-directory = Directory
shell-tab-apps = Apps
shell-loading = Loading…
shell-working = Working…
shell-cancelled = Cancelled. The request may still finish in the background.
shell-esc-cancels = (Esc cancels)
shell-failed = Failed: { $reason }
shell-locked = Kapsel is locked.
shell-unlocking = Unlocking…
shell-sync-started = Synchronising…
shell-not-configured = Your organisation has not set this up for Kapsel.
shell-too-small = The terminal is too small for Kapsel.
shell-needs-terminal = Kapsel's shell needs a terminal. Use the kapsel commands (see kapsel --help) in scripts.
sync-done = Synchronised.
sync-running = A sync is running already; new mail shows up when it is done.

## Status line
status-syncing = Synchronising { $folder } { $done }/{ $total }
status-sync-failed = Sync failed: { $reason }
status-synced = Synchronised { $time }
status-not-synced = Not synchronised yet
status-outbox = { $count ->
    [0] Outbox empty
   *[other] Outbox: { $count }
}
status-lock-in = Locks in { $time }
status-help = Help

## Help overlay
help-title = Keys on this screen
help-close = Any key closes this help.
key-tabs = switch to a tab
key-next-tab = next tab (Shift+Tab: previous)
key-help = this help
key-sync = synchronise now
key-lock = lock now
key-quit = quit (the session stays unlocked until it locks itself)
key-unlock = unlock
key-clear = clear
key-move = move
key-open = open
key-panes = folders, messages, reader
key-compose = new message
key-reply = reply / reply to all
key-forward = forward
key-toggle-read = mark read or unread
key-toggle-flag = flag or unflag
key-open-attachment = open an attachment in the viewer
key-copy = copy the message text (inside Kapsel only)
key-search = search
key-drafts = drafts
key-outbox = outbox
key-mailboxes = shared mailboxes
key-oof = out of office
key-next-field = next field
key-pick-recipient = choose a suggested recipient
key-paste = paste what was copied inside Kapsel
key-send = send
key-save-draft = save as draft
key-close-keep = close (what was written is kept as a draft)
key-mailbox-toggle = open or close the mailbox (✓ = open)
key-back-to-messages = back to the messages
key-oof-edit = set or change the out-of-office reply
key-oof-clear = switch the out-of-office reply off (asks first)
key-previous-field = previous field
key-save = save
key-cancel = cancel without saving
key-scroll = scroll
key-back = back
key-week = previous / next week
key-today = this week
key-task-done = mark done
key-filter = filter
key-save-contact = save as personal contact
key-open-act = open, or do what the selected entry says
key-toggle = tick or untick

## Unlock
unlock-panel = Kapsel
unlock-title = The work container is locked
unlock-password = Directory password:
unlock-failures = { $count ->
    [one] 1 failed attempt
   *[other] { $count } failed attempts
} — { $remaining } left before the limit
unlock-backoff = Next attempt possible in { $seconds } s
unlock-keys = Enter unlocks · Ctrl+Q quits · ? help
unlock-wrong = The password is not correct.
unlock-wait = Too many attempts: please wait before the next one.
unlock-wiped = The container was wiped after too many failed attempts. Ask your IT to enrol again.
error-network = The server cannot be reached: { $detail }

## Mail
mail-folders = Folders
mail-messages = { $count ->
    [one] 1 message
   *[other] { $count } messages
}
mail-empty = Nothing here.
mail-reader = Message
mail-nothing-open = No message open. Choose one and press Enter.
mail-from = From
mail-to = To
mail-cc = Cc
mail-date = Date
mail-subject = Subject
mail-pick-attachment = Which attachment? Press its number.
mail-date-arrival = (no valid date from the sender: time of arrival)
mail-signed = Signed (S/MIME) — signature not verified
mail-encrypted = Encrypted (S/MIME) — cannot be read here
mail-attachment-inline = (shown in the text)
mail-attachment-dangerous = ⚠ a program, script, shortcut or macro document — it can act on its own when opened
mail-attachment-mismatch = ⚠ the name says { $named }, but the content is { $content }
mail-search = Search mail (Enter searches, Esc closes)
mail-search-hits = { $count ->
    [one] 1 message found
   *[other] { $count } messages found
}
mail-search-results = Search: { $count ->
    [one] 1 hit
   *[other] { $count } hits
}
mail-sent = Sent (or queued in the outbox until the server takes it).
mail-draft-saved = Kept as a draft.
mail-drafts = Drafts (Enter sends)
mail-outbox = Outbox (Enter tries again)
mail-mailboxes = Shared mailboxes (Enter opens or closes)
mail-mailbox-opening = Opening and synchronising { $name }…
mail-mailbox-closing = Closing { $name }…
mail-mailbox-opened = { $name } is open; its folders are synchronised.
mail-mailbox-closed = { $name } is closed; its messages were removed from the container.
mail-oof = Out of office (e edits, x switches off)
oof-off = No out-of-office reply is set.
oof-on = Out of office from { $start } to { $end }
oof-to-others = To senders outside your organisation:
oof-confirm-clear = Switch the out-of-office reply off?
oof-confirm-keys = x or y: yes · any other key: no
oof-saving = Saving the out-of-office reply…
oof-clearing = Switching the out-of-office reply off…
oof-saved = The out-of-office reply is set.
oof-cleared = The out-of-office reply is off.
oof-edit-title = Out-of-office reply
oof-start = First day
oof-end = Last day
oof-date-format = YYYY-MM-DD
# The subject a new reply starts with; bilingual on purpose, as `kapsel mail oof --subject` defaults to it.
oof-default-subject = Abwesenheitsnotiz / Out of office
oof-reply = Reply
oof-reply-others = Reply to senders outside your organisation (empty: the same reply)
oof-keys = Ctrl+S save · Tab/Shift+Tab field · Ctrl+V paste · Esc cancel
outbox-queued = queued
outbox-sending = sending
outbox-in-doubt = in doubt
outbox-failed = failed
outbox-in-doubt-help = The server may have taken this message already; check Sent before trying again.
outbox-retried = The message will be sent again.
compose-new = New message
compose-reply = Reply
compose-reply-all = Reply to all
compose-forward = Forward
compose-keys = Ctrl+S send · Ctrl+D save draft · Tab next field · Ctrl+V paste · Esc close
compose-suggestions = Suggestions

## Calendar, tasks, contacts, directory
agenda-title = Calendar { $from } – { $to }
agenda-empty = No appointments in this week.
agenda-all-day = all day
agenda-unreadable = { $count ->
    [one] 1 entry could not be read.
   *[other] { $count } entries could not be read.
}
day-mon = Mon
day-tue = Tue
day-wed = Wed
day-thu = Thu
day-fri = Fri
day-sat = Sat
day-sun = Sun
tasks-empty = No open tasks.
tasks-overdue = (overdue)
contacts-empty = No contacts.
contacts-filtered = Contacts matching “{ $filter }”
contact-saved = Saved as a personal contact.
directory-search = Search the directory (name, address, phone; Enter searches)
directory-results = People
directory-hint = Type a name and press Enter.
directory-none = Nobody found.
directory-truncated = More people match than are shown: search more precisely.

## Apps
apps-none = No apps are installed.
apps-signed-by = signed by { $publisher }
app-failed-title = The app could not answer
app-denied = Refused by the container: { $reason }
app-link-not-followed = This link points to { $origin }. Kapsel does not open links.
app-open-failed = { $document } could not be opened: { $reason }
notice-info = Note
notice-warning = Warning
notice-error = Error

## The terminal itself
shell-error-raw-mode = cannot switch the terminal to raw mode
shell-error-prepare = cannot prepare the terminal
shell-error-draw = cannot draw on the terminal
shell-error-clear = cannot clear the terminal

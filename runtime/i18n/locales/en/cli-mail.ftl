# Kapsel — cli-mail, English. Every id in this file starts with `cli-mail-`.


## Reading the text of a message from standard input
cli-mail-cannot-read-text = cannot read the message text

## Message lists (`kapsel mail list`, `kapsel mail search`)
cli-mail-list-attachments = [{ $count } attachment(s)]
cli-mail-no-messages = No messages.
cli-mail-search-hits = ({ $count } hit(s) in { $ms } ms)

## Reading a message (`kapsel mail read`); the header labels are aligned in code
cli-mail-head-from = From:
cli-mail-head-to = To:
cli-mail-head-cc = Cc:
cli-mail-head-date = Date:
cli-mail-head-subject = Subject:
cli-mail-head-folder = Folder:
cli-mail-head-sender = Sender:
cli-mail-read-message-id = (message { $id })
cli-mail-read-attachment = Attachment { $index }: { $name } ({ $media_type }, { $size } bytes) — kapsel mail attach { $id } { $index }
cli-mail-read-attachment-inline = Inline image { $index }: { $name } ({ $media_type }, { $size } bytes, shown in the text) — kapsel mail attach { $id } { $index }
cli-mail-read-attachment-within = (in forwarded message { $index })
cli-mail-read-warning-dangerous = ⚠ Careful: a program, script, shortcut or document with macros — it can act on its own when opened
cli-mail-read-warning-mismatch = ⚠ Careful: the name says { $named }, but the content is { $content }
cli-mail-read-date-arrival = (the sender gave no valid date: this is when the server received it)
cli-mail-read-signed = Signed (S/MIME) — the signature is not verified
cli-mail-read-encrypted = Encrypted (S/MIME) — it cannot be read here

## Sync (`kapsel sync now`)
cli-mail-synced = Synced { $folders } folder(s): { $new } new, { $flag_updates } flag update(s), { $flags_pushed } flag change(s) sent, { $removed } removed, { $resets } UIDVALIDITY reset(s) in { $seconds } s{ $qresync }.
cli-mail-sent-queued = Sent { $count } queued message(s).
cli-mail-still-queued = { $count } message(s) still in the outbox: { $error }

## Sending (`kapsel mail compose`, `reply`, `forward`, `drafts --send`)
cli-mail-saved-draft = Saved as draft { $draft } (sealed). Send it with: kapsel mail drafts --send { $draft }
cli-mail-sent = Sent.
cli-mail-queued = Queued in the outbox ({ $outbox }): { $reason }. It is sent as soon as the server is reachable.
cli-mail-not-sent-yet = not sent yet

## Weekdays in a sync schedule
cli-mail-day-mon = mon
cli-mail-day-tue = tue
cli-mail-day-wed = wed
cli-mail-day-thu = thu
cli-mail-day-fri = fri
cli-mail-day-sat = sat
cli-mail-day-sun = sun

## Sync status (`kapsel sync status`)
cli-mail-true = true
cli-mail-false = false
cli-mail-never = never
cli-mail-status-last-sync = Last sync: { $time }{ $error }
cli-mail-status-error = (error: { $error })
cli-mail-status-running = Running: { $running }{ $progress }
cli-mail-status-push = Push (IDLE) waiting now: { $active }
cli-mail-status-outbox = Outbox: { $count } message(s)
cli-mail-status-schedule = Schedule: { $days } { $from }–{ $to }, every { $every } min, push { $push }

## Sync schedule (`kapsel sync schedule`); `on` and `off` after --push are typed by the user
cli-mail-push-takes-on-off = --push takes on or off, not { $value }
cli-mail-push-on = on
cli-mail-push-off = off
cli-mail-push-allowed = allowed
cli-mail-push-not-allowed = not allowed
cli-mail-schedule-own = Sync on { $days } from { $from } to { $to }, every { $every } minutes, push { $push }.
cli-mail-schedule-tenant = Tenant allows: { $days } from { $from } to { $to }, every { $min }–{ $max } minutes, push { $push }.

## Folders and mailboxes (`kapsel mail folders`, `kapsel mail mailboxes`)
cli-mail-col-messages = messages
cli-mail-col-unread = unread
cli-mail-col-rights = rights
cli-mail-origin-own = own
cli-mail-origin-other-user = other-user
cli-mail-origin-shared = shared
cli-mail-folder-origin = ({ $origin }, rights { $rights })
cli-mail-no-folders = No folders yet: run `kapsel sync now`.
cli-mail-mailbox-open = (open)
cli-mail-mailbox-opened = Opened { $name } (rights { $rights }); its folders are synced now.
cli-mail-mailbox-closed = Closed { $name }; its messages were removed from the container.
cli-mail-no-mailboxes = No other mailboxes are shared with you.

## Flags, moving, attachments
cli-mail-flag-set = { $flag } set on message { $id } (sent to the server at the next sync).
cli-mail-flag-cleared = { $flag } cleared on message { $id } (sent to the server at the next sync).
cli-mail-moved = Moved message { $id } to { $folder }.
cli-mail-attachment-kept = Kept in the container as document { $id } ({ $name }).
cli-mail-viewer-failed = (the viewer could not open it: { $error })

## Drafts and the outbox (`kapsel mail drafts`, `kapsel mail outbox`)
cli-mail-draft-row = { $id }  to { $to }  { $subject }
cli-mail-no-drafts = No drafts.
cli-mail-retried = Retried { $id }: { $result }
cli-mail-retried-sent = sent
cli-mail-discarded = Discarded { $id }.
cli-mail-state-queued = queued
cli-mail-state-sending = sending
cli-mail-state-in-doubt = in-doubt
cli-mail-state-failed = failed
cli-mail-outbox-row = { $id }  { $state } to { $to }  { $subject }  (attempts { $attempts })
cli-mail-outbox-empty = The outbox is empty.

## Out-of-office reply (`kapsel mail oof`)
cli-mail-oof-incomplete = to set an out-of-office reply give --start, --end and --internal (and --external for outside senders)
cli-mail-oof-none = No out-of-office reply is set.
cli-mail-oof-window = Out of office from { $start } to { $end } (inclusive)
cli-mail-oof-subject = Subject: { $subject }
cli-mail-oof-to-colleagues = To colleagues:
cli-mail-oof-to-others = To others:

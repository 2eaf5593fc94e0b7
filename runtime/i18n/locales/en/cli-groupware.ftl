# Kapsel — cli-groupware, English. Every id in this file starts with `cli-pim-`.

## Shared
cli-pim-unexpected-answer = the agent answered something else
cli-pim-date = { $iso }
cli-pim-datetime = { $iso }
cli-pim-weekday-mon = Monday
cli-pim-weekday-tue = Tuesday
cli-pim-weekday-wed = Wednesday
cli-pim-weekday-thu = Thursday
cli-pim-weekday-fri = Friday
cli-pim-weekday-sat = Saturday
cli-pim-weekday-sun = Sunday
cli-pim-partstat-accepted = accepted
cli-pim-partstat-declined = declined
cli-pim-partstat-tentative = tentative
cli-pim-partstat-needs-action = needs-action
cli-pim-partstat-delegated = delegated

## An edit and what became of it on the server
cli-pim-done = { $message } UID { $uid }
cli-pim-invited = Mail to { $count } attendee(s) is in the outbox.
cli-pim-offline = The server cannot be reached ({ $reason }): { $count } change(s) wait in the queue and go out at the next sync.
cli-pim-sent = Sent to the server: { $count }.
cli-pim-merged = Merged with a change made elsewhere: { $what }
cli-pim-kept-both = Changed elsewhere at the same time: both versions are kept ({ $what }); the copy is marked "conflict copy".
cli-pim-refused = Refused by the server: { $what }

## kapsel cal
cli-pim-all-day = all day
cli-pim-series = (series)
cli-pim-day-of = (day { $n }/{ $span })
cli-pim-day-heading = { $weekday } { $date }
cli-pim-no-appointments = No appointments.
cli-pim-series-truncated = Series { $uid } has more than { $max } occurrences: only the first are shown.
cli-pim-unreadable = { $count } object(s) from the server cannot be read (kept as sent; see `kapsel sync status`).
cli-pim-invitation-from = from { $organizer }
cli-pim-no-invitations = No invitations.
cli-pim-invitations-answer = Answer with `kapsel cal respond MESSAGE accept|tentative|decline`.
cli-pim-responded = { $status }{ $place }; the reply to the organiser is { $reply }.
cli-pim-responded-in-calendar = , in your calendar
cli-pim-reply-queued = in the outbox
cli-pim-reply-not-queued = NOT queued (mail is not available)

## kapsel tasks
cli-pim-due = due { $date }
cli-pim-priority = priority { $priority }
cli-pim-no-tasks = No tasks.
cli-pim-overdue = { $count } overdue.

## kapsel contacts (the labels form one column)
cli-pim-contact-mail = Mail
cli-pim-contact-phone = Phone
cli-pim-contact-org = Org.
cli-pim-contact-title = Title
cli-pim-no-contacts = No contacts.
cli-pim-one-contact = 1 contact.
cli-pim-contacts = { $count } contacts.

## kapsel sync, kapsel sync status
cli-pim-sync-new = new
cli-pim-sync-changed = changed
cli-pim-sync-removed = removed
cli-pim-unreadable-suffix = , { $count } unreadable
cli-pim-sync-error = Error: { $error }
cli-pim-status-objects = objects
cli-pim-status-synced = synced { $when }
cli-pim-status-never = never
cli-pim-status-queued = Queued changes: { $count }
cli-pim-status-refused = — refused: { $reason }

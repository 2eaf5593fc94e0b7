# Kapsel — calendar, English. Every id in this file starts with `cal-`.


## Servers and the tenant's settings
cal-no-server = the tenant names no CalDAV or CardDAV server (or has these modules off)
cal-server-address = the calendar server address: { $error }
cal-plain-http = { $url } is plain HTTP and the tenant has not allowed plain text to { $host }
cal-unusable-location = { $server } named an unusable location { $href }: { $error }
cal-other-server = { $server } pointed to another server ({ $origin }); Kapsel does not follow it
cal-request-refused = refused a request to another server than { $server }
cal-login-refused = { $server } refused the login (401): check the user name and password
cal-access-refused = { $server } refused access to { $path } (403)
cal-tls = TLS to { $server }: { $error }
cal-not-multistatus = { $server } answered { $method } { $path } with { $status } instead of a multistatus
cal-unreadable-answer = { $server } sent an unreadable answer to { $method }: { $error }
cal-cannot-resolve = cannot resolve { $host }: { $error }
cal-no-address = { $host } has no address
cal-worker-start = cannot start the calendar worker

## Sync
cal-unreadable-discovery = an unreadable discovery answer: { $error }
cal-discovery-redirects = the server redirected discovery too often
cal-no-collections-listed = the server did not list the collections in { $path }
cal-stored-url = a stored collection URL: { $error }
cal-no-members-listed = the server did not list the collection's members
cal-answer-too-large = the server's answer for this object is too large
cal-no-data = the server sent no data for it
cal-unreadable-sync = an unreadable sync answer: { $error }
cal-stored-collections-unreadable = a stored collection list does not read: { $error }
cal-stored-object-unreadable = a stored calendar object does not read: { $error }
cal-cannot-encode = cannot encode: { $error }

## Objects that do not read
cal-object-too-large = the object is { $bytes } bytes (at most { $max } are read)
cal-not-icalendar = not an iCalendar object ({ $error })
cal-no-event-or-task = the object has no event and no task
cal-card-too-large = the card is { $bytes } bytes (at most { $max } are read)
cal-not-vcard = not a vCard ({ $error })
cal-dst-gap = { $time } does not exist in { $zone } (a DST gap)
cal-not-a-date = { $text } is not a date: write 2026-12-02 or 2026-12-02 10:30

## Finding and editing events, tasks and contacts
cal-no-uid = no UID given
cal-uid-not-found = nothing with the UID { $uid }
cal-uid-ambiguous = { $count } objects have UIDs starting with { $uid }: give more of it
cal-no-event-uid = no event with the UID { $uid }
cal-unreadable-object = this object cannot be read: { $problem }
cal-no-calendar-yet = no calendar is known yet: run `kapsel sync now` first
cal-no-address-book-yet = no address book is known yet: run `kapsel sync now` first
cal-no-collection-named = no calendar or address book named { $name }
# $what is one of the cal-field-* words
cal-text-too-long = the { $what } is longer than 64 KiB
cal-field-title = title
cal-field-location = location
cal-field-description = description
cal-field-other = field
cal-event-needs-title = an event needs a title
cal-mixed-moments = give both start and end as dates (all day) or both with a time
cal-end-before-start = the end is before the start
cal-bad-rrule = the repeat rule holds characters an RRULE cannot have
cal-not-mail-address = { $address } is not a mail address
cal-no-expand = the event does not expand: { $error }
cal-no-event-in-object = this object holds no event
cal-task-needs-title = a task needs a title
cal-priority-range = a priority is 1 (highest) to 9 (lowest)
cal-no-task-in-object = this object holds no task
cal-task-status = a task's status is needs-action, in-process, completed or cancelled
cal-contact-needs-name = a contact needs a name

## What an edit did
cal-added-to = Added to { $calendar }.
cal-updated = Updated.
cal-event-added = Event added to { $calendar }.
cal-changed = Changed.
cal-removed = Removed.
cal-task-added = Task added to { $list }.
cal-done = Done.
cal-contact-saved = Contact saved in { $book }.

## Queued edits, as `sync status` lists them
cal-what-invitation = invitation { $uid }
cal-what-add-event = add event { $title }
cal-what-edit = edit { $title }
cal-what-remove = remove { $uid }
cal-what-add-task = add task { $title }
cal-what-edit-task = edit task { $uid }
cal-what-add-contact = add contact { $name }
cal-what-edit-contact = edit contact { $uid }

## Sending queued edits
cal-edited-unreadable = the edited object does not read: { $problem }
cal-queued-unreadable = a queued edit does not read: { $error }
cal-server-failed = the server failed ({ $status })
cal-server-refused-deletion = the server refused the deletion ({ $status })
cal-server-refused-body = the server refused it ({ $status }): { $body }
cal-server-refused = the server refused it ({ $status })
cal-server-get = the server answered GET with { $status }
cal-copy-failed = a concurrent change could not be kept as a copy ({ $status })

## Invitations by mail
cal-mail-unavailable = invitations go by mail, and mail is not available: { $error }
cal-invitation-subject = Invitation: { $summary }
cal-invitation-body = { $me } invites you: { $summary }
# $iso is 2026-12-02, $date the same in the locale's format
cal-invitation-when = { $weekday }, { $iso } { $time }
cal-weekday-monday = Monday
cal-weekday-tuesday = Tuesday
cal-weekday-wednesday = Wednesday
cal-weekday-thursday = Thursday
cal-weekday-friday = Friday
cal-weekday-saturday = Saturday
cal-weekday-sunday = Sunday
cal-cancel-subject = Cancelled: { $summary }
cal-cancel-body = { $me } cancelled: { $summary }
cal-answer-accepted = Accepted
cal-answer-tentative = Tentative
cal-answer-declined = Declined
cal-no-login = no login is stored: enrol with --user LOGIN
cal-no-invitation = message { $message } holds no invitation (see `kapsel cal invitations`)
cal-invitation-no-event = the invitation holds no event
cal-invitation-no-organizer = the invitation names no organiser to answer
cal-not-attendee = { $me } is not among the invitation's attendees

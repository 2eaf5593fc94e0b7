# Kapsel — session, English. Every id in this file starts with `session-`.

## Reaching the session agent over its socket
session-socket-path-too-long = the container path { $path } is too long for the session socket ({ $length } bytes, at most { $max }); use a shorter --container
session-unreachable = cannot reach the session agent at { $path }
session-encode-request = cannot encode the request: { $error }
session-cannot-talk = cannot talk to the session agent
session-socket = session socket
session-no-answer = no answer from the session agent
session-agent-closed = the session agent closed the connection (it may have locked itself)
session-unreadable-answer = unreadable answer: { $error }
session-agent-slow-stop = the session agent did not stop in time
session-events-broke = the session's event stream broke
session-unreadable-event = unreadable event: { $error }

## Starting the agent
session-binary-not-found = cannot find the kapsel binary
session-agent-start = cannot start the session agent
session-no-pipe-to = no pipe to the agent
session-password-handover = cannot hand the password to the session agent
session-no-pipe-from = no pipe from the agent
session-agent = session agent
session-agent-ended = the session agent ended without an answer ({ $status })

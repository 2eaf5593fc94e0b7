# Kapsel — device management, German. Every id in this file starts with `device-`.

## Dokumente
device-doc-devices = Geräteliste
device-doc-freshness = Aktualitätsnachweis
device-doc-rollover = Schlüsselwechsel
device-doc-enrolment = Anmeldeantrag
device-doc-receipt = Löschbestätigung
device-doc-unwritable = { $what } kann nicht geschrieben werden: { $error }
device-doc-wrong-signer = { $what }: signiert von { $key }, nicht mit dem Mandantenschlüssel, dem dieser Container vertraut
device-doc-too-large = { $what } ist größer als { $max } Bytes
device-doc-bad-signature = { $what } ist nicht gültig signiert: { $detail }
device-doc-unreadable = { $what } kann nicht gelesen werden: { $error }
device-request-key-mismatch = der Anmeldeantrag ist nicht mit dem Geräteschlüssel signiert, den er nennt
device-id-invalid = { $id } ist keine Geräte-ID (d- und 32 Hexadezimalziffern)

## Abruf der Dateien des Mandanten
device-fetch-not-https = die Adresse des Mandanten { $url } ist nicht https
device-fetch-missing = auf dem Server des Mandanten fehlt { $url }
device-fetch-not-text = { $url } ist kein UTF-8-Text
device-fetch-failed = { $url } kann nicht abgerufen werden: { $error }
device-fetch-redirect = { $url } leitet nach { $location } um; Kapsel folgt bei den Dokumenten des Mandanten keiner Umleitung
device-fetch-status = { $url } antwortete mit HTTP { $status }
device-fetch-no-address = { $host } lässt sich nicht auflösen
device-cannot-write = { $path } kann nicht geschrieben werden

## Prüfung des Abgerufenen
device-foreign-tenant = die Dokumente nennen einen anderen Mandanten
device-rollover-unpinned = ein Schlüsselwechsel, der nicht mit dem hinterlegten Mandantenschlüssel signiert ist, wurde abgelehnt
device-older-freshness = der Aktualitätsnachweis vom { $issued } ist älter als ein bereits gesehener ({ $seen }): abgelehnt
device-older-devices = die Geräteliste mit Seriennummer { $serial } ist älter als die bereits gesehene Seriennummer { $seen }: abgelehnt
device-older-policy = die veröffentlichte Richtlinie mit Seriennummer { $serial } ist älter als die installierte Seriennummer { $installed }: abgelehnt
device-clock-behind = das Dokument des Mandanten wurde am { $issued } ausgestellt, die Uhr dieses Geräts zeigt aber { $now }: die Uhr geht falsch
device-stale = der Aktualitätsnachweis des Mandanten ist am { $expired } abgelaufen: die Veröffentlichung ist veraltet
device-inconsistent = veröffentlichte Richtlinie, Geräteliste und Aktualitätsnachweis passen nicht zusammen

## Ablehnen und Löschen
device-refused = Kapsel kann nicht geöffnet werden: { $reason }. { $helpdesk }
device-wiped = Kapsel hat diesen Container gelöscht ({ $reason }); die Bestätigung liegt unter { $receipt }. { $helpdesk }
device-last-error = ; der letzte Versuch schlug fehl: { $error }
device-reason-locked = Ihre Behörde hat dieses Gerät gesperrt
device-reason-not-approved = Ihre Behörde hat dieses Gerät noch nicht freigegeben (senden Sie ihr die Datei enrolment-request.toml aus dem Container-Ordner)
device-reason-grace = der Mandant wurde zuletzt am { $last } erreicht, länger her, als die Offline-Frist erlaubt{ $error }
device-never = nie
device-reason-clock = die Uhr dieses Geräts ({ $now }) geht hinter eine bereits gesehene Zeit ({ $seen }) zurück; stellen Sie die Uhr richtig und verbinden Sie sich mit dem Netz
device-wipe-remote = Ihre Behörde hat es angeordnet
device-wipe-offline = länger kein Kontakt zum Mandanten, als die Richtlinie erlaubt
device-wipe-unknown = dieses Gerät steht nicht in der Geräteliste des Mandanten

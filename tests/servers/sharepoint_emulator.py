#!/usr/bin/env python3
"""SharePoint REST EMULATOR for Kapsel's tests -- not SharePoint.

No SharePoint can run here, so this serves a folder tree through the documented REST
endpoints that a document-library client uses, in both JSON shapes:

  GET {site}/_api/web/lists?$filter=BaseTemplate eq 101 and Hidden eq false&$expand=RootFolder
  GET {site}/_api/web/GetFolderByServerRelativeUrl('{url}')/Folders | /Files   ('' doubles ')
  GET {site}/_api/web/GetFolderByServerRelativePath(decodedurl='{url}')/Folders | /Files  (% and #)
  GET {site}/_api/web/GetFileByServerRelativeUrl('{url}')/$value  (and ...Path(decodedurl=...))
  GET {site}/_api/search/query?querytext='...'&selectproperties='Title,Path,Size,LastModifiedTime'&rowlimit=50&startrow=0

Shapes follow "Accept: application/json;odata=nometadata" ({"value": [...]}, "odata.nextLink",
errors as {"odata.error": ...}) or ";odata=verbose" ({"d": {"results": [...]}}, "__metadata",
"__deferred", "d.__next", errors as {"error": ...}); Length arrives as a string, as in
SharePoint. Folders are paged ($top, default 100; $skiptoken=Paged=TRUE&p_ID=<n>). A hidden
"Forms" folder exists in every library, as in SharePoint. Auth: "Authorization: Bearer <token>"
(SharePoint Online) with the token given on the command line; 401 without it; 403 for any path
with a segment starting with "Vertraulich".

Usage: sharepoint_emulator.py --root DIR --port N --token T [--cert PEM --key PEM]
The site is /sites/team; its one document library is "Shared Documents" (= DIR).
"""
import argparse
import json
import os
import ssl
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SITE = "/sites/team"
LIB = SITE + "/Shared Documents"
ARGS = None


def sp_quote_unescape(s):
    return s.replace("''", "'")


def to_fs(server_relative):
    if server_relative != LIB and not server_relative.startswith(LIB + "/"):
        return None
    rel = server_relative[len(LIB):].lstrip("/")
    if rel.split("/")[0] == "Forms":
        return "FORMS"
    path = os.path.normpath(os.path.join(ARGS.root, rel))
    if not (path == ARGS.root or path.startswith(ARGS.root + os.sep)):
        return None
    return path


def restricted(server_relative):
    return any(seg.startswith("Vertraulich") for seg in server_relative.split("/"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def verbose(self):
        return "odata=verbose" in self.headers.get("Accept", "")

    def send_json(self, status, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        ctype = "application/json;odata=verbose;charset=utf-8" if self.verbose() else "application/json;odata=nometadata;charset=utf-8"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, message):
        if self.verbose():
            body = {"error": {"code": code, "message": {"lang": "en-US", "value": message}}}
        else:
            body = {"odata.error": {"code": code, "message": {"lang": "en-US", "value": message}}}
        self.send_json(status, body)

    def meta(self, kind, url):
        return {"__metadata": {"id": url, "uri": url, "type": kind}} if self.verbose() else {}

    def folder_json(self, server_relative, name, count):
        base = f"https://localhost{SITE}/_api/Web/GetFolderByServerRelativePath(decodedurl='{server_relative}')"
        item = {"Name": name, "ServerRelativeUrl": server_relative, "ItemCount": count, "Exists": True}
        if self.verbose():
            item.update(self.meta("SP.Folder", base))
            item["Files"] = {"__deferred": {"uri": base + "/Files"}}
            item["Folders"] = {"__deferred": {"uri": base + "/Folders"}}
        return item

    def file_json(self, server_relative, name, st):
        base = f"https://localhost{SITE}/_api/Web/GetFileByServerRelativePath(decodedurl='{server_relative}')"
        item = {
            "Name": name,
            "ServerRelativeUrl": server_relative,
            "Length": str(st.st_size),
            "TimeLastModified": __import__("time").strftime("%Y-%m-%dT%H:%M:%SZ", __import__("time").gmtime(st.st_mtime)),
        }
        item.update(self.meta("SP.File", base))
        return item

    def page(self, items, query):
        top = int(query.get("$top", ["100"])[0])
        token = query.get("$skiptoken", ["Paged=TRUE&p_ID=0"])[0]
        start = int(token.split("p_ID=")[-1] or 0)
        chunk = items[start:start + top]
        nxt = None
        if start + top < len(items):
            q = dict((k, v[0]) for k, v in query.items())
            q["$skiptoken"] = f"Paged=TRUE&p_ID={start + top}"
            q["$top"] = str(top)
            nxt = f"https://{self.headers.get('Host')}{urllib.parse.urlsplit(self.path).path}?" + urllib.parse.urlencode(q, quote_via=urllib.parse.quote)
        if self.verbose():
            body = {"d": {"results": chunk}}
            if nxt:
                body["d"]["__next"] = nxt
        else:
            body = {"value": chunk}
            if nxt:
                body["odata.nextLink"] = nxt
        self.send_json(200, body)

    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        if auth != f"Bearer {ARGS.token}":
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Bearer realm="emulator", client_id="00000003-0000-0ff1-ce00-000000000000"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        parts = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(parts.path)
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        if not path.startswith(SITE + "/_api/"):
            return self.error(404, "-1, Microsoft.SharePoint.Client.ResourceNotFoundException", "Cannot find resource for the request.")
        api = path[len(SITE) + len("/_api/"):]
        if api.lower() == "web/lists":
            lib = {"Title": "Shared Documents", "BaseTemplate": 101, "Hidden": False,
                   "RootFolder": self.folder_json(LIB, "Shared Documents", 0)}
            lib.update(self.meta("SP.List", "lists"))
            return self.send_json(200, {"d": {"results": [lib]}} if self.verbose() else {"value": [lib]})
        if api.lower() == "search/query":
            text = sp_quote_unescape(query.get("querytext", ["''"])[0].strip("'")).lower()
            rows = []
            for dirpath, _, files in os.walk(ARGS.root):
                for f in sorted(files):
                    if text and text in f.lower():
                        full = os.path.join(dirpath, f)
                        rel = os.path.relpath(full, ARGS.root).replace(os.sep, "/")
                        cells = [
                            {"Key": "Title", "Value": os.path.splitext(f)[0], "ValueType": "Edm.String"},
                            {"Key": "Path", "Value": "https://localhost" + urllib.parse.quote(f"{LIB}/{rel}"), "ValueType": "Edm.String"},
                            {"Key": "Size", "Value": str(os.stat(full).st_size), "ValueType": "Edm.Int64"},
                            {"Key": "LastModifiedTime", "Value": "2026-11-27T08:00:00Z", "ValueType": "Edm.DateTime"},
                        ]
                        rows.append(cells)
            start = int(query.get("startrow", ["0"])[0])
            limit = int(query.get("rowlimit", ["50"])[0])
            page = rows[start:start + limit]
            if self.verbose():
                table = {"Rows": {"results": [{"Cells": {"results": c}} for c in page]}}
                return self.send_json(200, {"d": {"query": {"PrimaryQueryResult": {"RelevantResults": {"TotalRows": len(rows), "RowCount": len(page), "Table": table}}}}})
            table = {"Rows": [{"Cells": c} for c in page]}
            return self.send_json(200, {"PrimaryQueryResult": {"RelevantResults": {"TotalRows": len(rows), "RowCount": len(page), "Table": table}}})
        for prefix, by_path in (("web/GetFolderByServerRelativeUrl('", False), ("web/GetFolderByServerRelativePath(decodedurl='", True),
                                ("web/GetFileByServerRelativeUrl('", False), ("web/GetFileByServerRelativePath(decodedurl='", True)):
            if api.startswith(prefix):
                rest = api[len(prefix):]
                # An OData string literal: '' is a quote, ' followed by ) ends it.
                chars, i, end = [], 0, -1
                while i < len(rest):
                    if rest[i] == "'" and rest[i + 1:i + 2] == "'":
                        chars.append("'")
                        i += 2
                    elif rest[i] == "'" and rest[i + 1:i + 2] == ")":
                        end = i
                        break
                    else:
                        chars.append(rest[i])
                        i += 1
                if end == -1:
                    return self.error(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", "Bad path expression.")
                url = "".join(chars)
                tail = rest[end + 2:]
                if restricted(url):
                    return self.error(403, "-2147024891, System.UnauthorizedAccessException", "Access denied. You do not have permission to perform this action or access this resource.")
                fs = to_fs(url)
                if "GetFile" in prefix:
                    if fs is None or fs == "FORMS" or not os.path.isfile(fs) or tail != "/$value":
                        return self.error(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.")
                    with open(fs, "rb") as fh:
                        data = fh.read()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if fs is None or (fs != "FORMS" and not os.path.isdir(fs)):
                    return self.error(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.")
                entries = [] if fs == "FORMS" else sorted(os.listdir(fs))
                if tail == "/Folders":
                    items = []
                    if url == LIB:
                        items.append(self.folder_json(LIB + "/Forms", "Forms", 0))
                    for e in entries:
                        if os.path.isdir(os.path.join(fs, e)):
                            items.append(self.folder_json(f"{url}/{e}", e, len(os.listdir(os.path.join(fs, e)))))
                    return self.page(items, query)
                if tail == "/Files":
                    items = [self.file_json(f"{url}/{e}", e, os.stat(os.path.join(fs, e))) for e in entries if os.path.isfile(os.path.join(fs, e))]
                    return self.page(items, query)
                return self.error(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", "Unsupported segment.")
        return self.error(404, "-1, Microsoft.SharePoint.Client.ResourceNotFoundException", "Cannot find resource for the request.")


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    ARGS = p.parse_args()
    ARGS.root = os.path.abspath(ARGS.root)
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    if ARGS.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print(f"SharePoint REST emulator on {ARGS.port}, root {ARGS.root}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

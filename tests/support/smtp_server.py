#!/usr/bin/python3
"""A real SMTP server for the notice tests (aiosmtpd, Debian's python3-aiosmtpd).

Run with /usr/bin/python3 (another python3 earlier on PATH may not see Debian's modules):

  smtp_server.py --port PORT --maildir DIR [--fail-first N] [--stall-rcpt SECONDS] [--ready-file PATH]
      Listens on 127.0.0.1:PORT and stores each accepted message in the Maildir DIR (files in
      DIR/new, as aiosmtpd.handlers.Mailbox does). --fail-first N answers
      "451 4.3.0 try again later" to the first N DATA commands; --stall-rcpt S sleeps S seconds
      before answering each RCPT (a client can be stopped mid-conversation, before any message
      is accepted); --ready-file PATH is written once the server listens. Exits on SIGTERM/SIGINT.

  smtp_server.py --decode FILE
      Prints one JSON object for a stored message, parsed by Python's MIME-aware email package:
      decoded headers (subject, from, to, message_id, date, content_language, mime_version),
      the decoded text/plain and text/html bodies and the content types of all parts.
"""

import argparse
import asyncio
import email
import email.policy
import json
import mailbox
import os
import signal
import sys
import threading


def decode(path):
    with open(path, 'rb') as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    text = msg.get_body(preferencelist=('plain',))
    html = msg.get_body(preferencelist=('html',))
    out = {
        'subject': str(msg['subject'] or ''),
        'from': str(msg['from'] or ''),
        'to': str(msg['to'] or ''),
        'message_id': str(msg['message-id'] or ''),
        'date': str(msg['date'] or ''),
        'content_language': str(msg['content-language'] or ''),
        'mime_version': str(msg['mime-version'] or ''),
        'text': text.get_content() if text is not None else None,
        'html': html.get_content() if html is not None else None,
        'content_types': [part.get_content_type() for part in msg.walk()],
        'transfer_encodings': [str(part['content-transfer-encoding'] or '') for part in msg.walk()
                               if not part.is_multipart()],
    }
    json.dump(out, sys.stdout)
    return 0


class Handler:
    def __init__(self, maildir, fail_first, stall_rcpt):
        self.mailbox = mailbox.Maildir(maildir, create=True)
        self.fail_left = fail_first
        self.stall_rcpt = stall_rcpt

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.stall_rcpt > 0:
            await asyncio.sleep(self.stall_rcpt)
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        if self.fail_left > 0:
            self.fail_left -= 1
            print('smtp_server: DATA refused (451), %d refusals left' % self.fail_left, file=sys.stderr, flush=True)
            return '451 4.3.0 try again later'
        # Maildir.add writes to tmp/ and renames into new/: a reader never sees half a message.
        self.mailbox.add(envelope.original_content or envelope.content)
        print('smtp_server: message accepted for %s' % ','.join(envelope.rcpt_tos), file=sys.stderr, flush=True)
        return '250 OK'


def serve(args):
    from aiosmtpd.controller import Controller

    handler = Handler(args.maildir, args.fail_first, args.stall_rcpt)
    controller = Controller(handler, hostname='127.0.0.1', port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.ready_file:
        tmp = args.ready_file + '.tmp'
        with open(tmp, 'w') as f:
            f.write('%d\n' % os.getpid())
        os.rename(tmp, args.ready_file)
    while not stop.wait(0.1):
        pass
    controller.stop()
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--port', type=int)
    parser.add_argument('--maildir')
    parser.add_argument('--fail-first', type=int, default=0)
    parser.add_argument('--stall-rcpt', type=float, default=0.0)
    parser.add_argument('--ready-file')
    parser.add_argument('--decode')
    args = parser.parse_args()
    if args.decode:
        return decode(args.decode)
    if not args.port or not args.maildir:
        parser.error('--port and --maildir are required (or --decode FILE)')
    return serve(args)


if __name__ == '__main__':
    sys.exit(main())

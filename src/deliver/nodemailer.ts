/**
 * The one module that imports nodemailer's internal modules (`lib/…`, not
 * its public API): the SMTP client, URL parser, DKIM signer, MIME node and
 * header folding. Internal paths carry no semver promise, so nodemailer is
 * pinned to an exact version in package.json, and
 * tests/deliver/nodemailer-contract.test.ts checks every use made here: an
 * upgrade that moves or changes one fails that test by name, not a send in
 * production. Upgrading: bump the pin, run that test, adapt this module.
 */
import DKIM from 'nodemailer/lib/dkim/index.js';
import { foldLines } from 'nodemailer/lib/mime-funcs/index.js';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

/** The nodemailer version this adapter was written and tested against (package.json pins it). */
export const NODEMAILER_VERSION = '10.6.0';

export { DKIM, foldLines, MimeNode, parseConnectionUrl, SMTPConnection };

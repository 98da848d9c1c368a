// herald.js: Herald's browser client, served by Herald at /herald.js. An ES module; no build step, no dependency.
//
//   import {HeraldSource, streamFetch} from "/herald.js";
//
// HeraldSource: the EventSource interface, one server connection per browser profile and URL, shared by
// every tab (a Web Locks leader reads the stream and relays each event over a BroadcastChannel).
// streamFetch: an async iterator of events over fetch, for POST bodies, headers (Bearer) and resume.

/** readyState values, as EventSource's. */
export const CONNECTING = 0, OPEN = 1, CLOSED = 2;

/**
 * @typedef {object} StreamEvent
 * @property {string} type         the `event:` field, or "message"
 * @property {string} data         the `data:` lines joined with "\n"
 * @property {string} lastEventId  the stream's last event id when the event was dispatched
 */

/**
 * An incremental parser of `text/event-stream` bytes by the WHATWG rules ("Interpreting an event stream",
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation): UTF-8 with one
 * leading BOM dropped, CR, LF and CRLF line ends (a CR ending one chunk and an LF starting the next are one line
 * end), comments, fields without a colon, multi-line data, `id` (ignored when it holds NUL), `retry` (digits
 * only). An unfinished event at the end of a stream is discarded.
 */
export class EventStreamParser {
    /** The last event id buffer: kept across events and across {@link reset}. */
    lastEventId = "";
    /** The reconnection time from the last valid `retry:` field, in ms; -1 until one arrives. */
    retry = -1;
    #decoder = new TextDecoder();
    #line = "";
    #cr = false;
    #data = "";
    #type = "";
    #idSeen = false;
    #pendingId = "";                                        // the id buffer until the block is dispatched
    /** @type {Array<{event?: StreamEvent, hasId?: boolean, id?: string, retry?: number}>} */
    #out = [];

    /** @param {string} [lastEventId] the id to start from */
    constructor(lastEventId = "") {
        this.lastEventId = lastEventId;
    }

    /** Starts a new stream (a reconnect): forgets a partial line and event; keeps lastEventId and retry. */
    reset() {
        this.#decoder = new TextDecoder();
        this.#line = this.#data = this.#type = "";
        this.#cr = this.#idSeen = false;
    }

    /**
     * Parses the next bytes of the stream and returns what they completed, in order: `{event, hasId}` for a
     * dispatched event (hasId: the event had an `id:` field of its own), `{id}` when a block without data
     * changed the last event id, `{retry}` for a valid `retry:` field.
     * @param {Uint8Array} bytes
     */
    push(bytes) {
        const text = this.#decoder.decode(bytes, {stream: true});
        let start = 0;
        if (this.#cr && text.length > 0) {
            this.#cr = false;
            if (text.charCodeAt(0) === 10) {
                start = 1;                                  // the LF of a CRLF split between two chunks
            }
        }
        for (let i = start; i < text.length; i++) {
            const c = text.charCodeAt(i);
            if (c === 10 || c === 13) {
                const line = this.#line + text.slice(start, i);
                this.#line = "";
                if (c === 13) {
                    if (i + 1 === text.length) {
                        this.#cr = true;
                    } else if (text.charCodeAt(i + 1) === 10) {
                        i++;
                    }
                }
                start = i + 1;
                this.#field(line);
            }
        }
        this.#line += text.slice(start);
        const out = this.#out;
        this.#out = [];
        return out;
    }

    #field(line) {
        if (line === "") {
            this.#dispatch();
            return;
        }
        const colon = line.indexOf(":");
        if (colon === 0) {
            return;                                         // a comment
        }
        const name = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.charCodeAt(0) === 32) {
            value = value.slice(1);
        }
        switch (name) {
            case "event":
                this.#type = value;
                break;
            case "data":
                this.#data += value + "\n";
                break;
            case "id":
                if (!value.includes("\0")) {
                    this.#pendingId = value;
                    this.#idSeen = true;
                }
                break;
            case "retry":
                if (/^[0-9]+$/.test(value)) {
                    this.retry = Number(value);
                    this.#out.push({retry: this.retry});
                }
                break;
        }
    }

    #dispatch() {
        const before = this.lastEventId;
        if (this.#idSeen) {
            this.lastEventId = this.#pendingId;         // the buffer is set at the id line, read at dispatch
        }
        const hasId = this.#idSeen;
        this.#idSeen = false;
        if (this.#data === "") {
            this.#type = "";
            if (this.lastEventId !== before) {
                this.#out.push({id: this.lastEventId});
            }
            return;
        }
        const event = {type: this.#type || "message", data: this.#data.slice(0, -1), lastEventId: this.lastEventId};
        this.#data = this.#type = "";
        this.#out.push({event, hasId});
    }
}

/** A response streamFetch cannot use: `status` (0 when it was no event stream). */
export class StreamError extends Error {
    /** @param {Response} response @param {string} reason */
    constructor(response, reason) {
        super(reason + ": " + response.status + " " + response.url);
        this.name = "StreamError";
        this.status = response.status;
        this.response = response;
    }
}

/**
 * @typedef {object} StreamOptions
 * @property {string} [method]          "GET" by default
 * @property {HeadersInit} [headers]    e.g. {Authorization: "Bearer …"}
 * @property {BodyInit} [body]          sent again on a reconnect, so not a ReadableStream when reconnecting
 * @property {AbortSignal} [signal]     ends the stream (the iterator throws the abort reason)
 * @property {string} [lastEventId]     resume after this id
 * @property {boolean} [reconnect]      reconnect when the stream ends or fails: default true for GET, false
 *                                      for any other method (a POST is not idempotent)
 * @property {RequestCredentials} [credentials]  "same-origin" by default
 * @property {number} [retry]           first reconnection delay in ms until the server sends `retry:` (1000)
 * @property {number} [maxRetry]        longest delay of the exponential backoff, in ms (30000)
 * @property {boolean} [lastEventIdQuery] resume with `?lastEventId=` instead of the `Last-Event-ID` header
 *                                      (no CORS preflight; Herald reads both)
 */

/**
 * Events of a `text/event-stream` response to `fetch`, as an async iterator of {@link StreamEvent}s:
 *
 *     for await (const e of streamFetch("/v1/chat", {method: "POST", body, headers})) { … }
 *
 * Leaving the loop (break, return, throw) aborts the request. A reconnecting stream (GET by default) resumes
 * with `Last-Event-ID` after a delay: the server's `retry:` at first, doubling per failed attempt up to
 * `maxRetry`, with jitter, and after `Retry-After` for a 429 or 503. It ends for good (the loop ends) on a
 * 204; it throws a {@link StreamError} for another status than 200, 429 and 5xx, or an answer that is not
 * `text/event-stream`; a stream that does not reconnect throws its network error and ends with the response.
 * @param {string | URL} url
 * @param {StreamOptions} [options]
 * @returns {AsyncGenerator<StreamEvent, void, undefined>}
 */
export async function* streamFetch(url, options = {}) {
    for await (const frame of frames(url, options)) {
        if (frame.event) {
            yield frame.event;
        }
    }
}

/** What happens on a stream: {open}, {event, hasId}, {id}, {retry}, {retrying: {delay, error}}, {closed}. */
async function* frames(url, options) {
    const outer = options.signal;
    const method = (options.method || "GET").toUpperCase();
    const reconnect = options.reconnect ?? (method === "GET" || method === "HEAD");
    const parser = new EventStreamParser(options.lastEventId || "");
    let retry = options.retry ?? 1000;
    const maxRetry = options.maxRetry ?? 30000;
    let failures = 0;
    for (;;) {
        outer?.throwIfAborted();
        const control = new AbortController();
        const abort = () => control.abort(outer.reason);
        outer?.addEventListener("abort", abort);
        let error = null, retryAfter = 0;
        try {
            const headers = new Headers(options.headers);
            headers.set("Accept", "text/event-stream");
            let target = String(url);
            if (parser.lastEventId !== "") {
                if (options.lastEventIdQuery) {
                    const u = new URL(target, globalThis.location?.href);
                    u.searchParams.set("lastEventId", parser.lastEventId);
                    target = u.href;
                } else {
                    headers.set("Last-Event-ID", parser.lastEventId);
                }
            }
            const response = await fetch(target, {method, headers, body: options.body, signal: control.signal,
                credentials: options.credentials ?? "same-origin", cache: "no-store"});
            if (response.status === 204) {
                yield {closed: response};
                return;
            }
            const type = response.headers.get("Content-Type") || "";
            if (response.status === 200 && /^text\/event-stream\s*(;|$)/i.test(type)) {
                failures = 0;
                parser.reset();
                yield {open: response};
                const reader = response.body.getReader();
                for (;;) {
                    const {done, value} = await reader.read();
                    if (done) {
                        break;
                    }
                    for (const frame of parser.push(value)) {
                        if (frame.retry !== undefined) {
                            retry = frame.retry;
                        }
                        yield frame;
                    }
                }
                if (!reconnect) {
                    return;
                }
            } else if (reconnect && (response.status === 429 || response.status >= 500)) {
                error = new StreamError(response, "unavailable");
                retryAfter = 1000 * (Number(response.headers.get("Retry-After")) || 0);
                response.body?.cancel().catch(() => {});
            } else {
                response.body?.cancel().catch(() => {});
                throw new StreamError(response, response.status === 200 ? "not text/event-stream" : "refused");
            }
        } catch (e) {
            if (outer?.aborted || !reconnect || e instanceof StreamError) {
                throw e;
            }
            error = e;                                      // a network error: reconnect
        } finally {
            outer?.removeEventListener("abort", abort);
            control.abort();                                // ends a response left unread (return, throw)
        }
        const base = Math.min(maxRetry, retry * 2 ** failures++);
        const delay = Math.max(retryAfter, base / 2 + Math.random() * base / 2);
        yield {retrying: {delay, error}};
        await new Promise((resolve, reject) => {
            const timer = setTimeout(done, delay);
            function done() {
                outer?.removeEventListener("abort", done);
                clearTimeout(timer);
                outer?.aborted ? reject(outer.reason) : resolve();
            }
            outer?.addEventListener("abort", done);
        });
    }
}

/**
 * Whether event id `id` comes after `last` on one stream: Herald's ids `<epoch>-<seq>` and
 * `<epoch>-<seq1>_<seq2>…` (a multi-topic stream) compare by their positions; ids of another epoch (a restarted
 * server) are new; decimal ids compare as numbers; any other id is new unless equal to `last`.
 */
function isNewer(id, last) {
    if (last === "") {
        return true;
    }
    const a = /^(.*)-(\d+(?:_\d+)*)$/.exec(id), b = /^(.*)-(\d+(?:_\d+)*)$/.exec(last);
    if (a && b && a[1] === b[1]) {
        const x = a[2].split("_"), y = b[2].split("_");
        if (x.length === y.length) {
            return x.some((v, i) => Number(v) > Number(y[i]));
        }
    }
    if (/^\d+$/.test(id) && /^\d+$/.test(last)) {
        return Number(id) > Number(last);
    }
    return id !== last;
}

/**
 * The topic an event of `url`'s stream came from, or null when it cannot be told: the topic of a
 * `/topics/{topic}` stream; on `/events?topic=a&topic=b` the topic whose position in the id
 * (`<epoch>-<seqA>_<seqB>`) moved since `previous` (the stream's starting position arrives first, so the first
 * event is told too).
 * @param {string} url
 * @param {string} id
 * @param {string} previous
 * @returns {string|null}
 */
function topicOf(url, id, previous) {
    const u = new URL(url, location.href);
    const i = u.pathname.indexOf("/topics/");
    if (i >= 0) {
        return decodeURIComponent(u.pathname.slice(i + "/topics/".length));
    }
    const topics = u.searchParams.getAll("topic");
    const a = /^(.*)-(\d+(?:_\d+)*)$/.exec(id), b = /^(.*)-(\d+(?:_\d+)*)$/.exec(previous);
    if (!a || !b || a[1] !== b[1]) {
        return null;
    }
    const x = a[2].split("_"), y = b[2].split("_");
    const moved = x.findIndex((v, k) => v !== y[k]);
    return x.length === topics.length && moved >= 0 ? topics[moved] : null;
}

/**
 * The `EventSource` interface over one connection per browser profile and URL. Each event it dispatches has
 * `event.topic` too: the topic it came from (see `topicOf`), also on a stream of several topics. The tabs that open a
 * HeraldSource on the same URL elect a leader with Web Locks (`navigator.locks`, lock name `herald:` + URL):
 * the leader reads the stream with {@link streamFetch}'s reader and relays every event, of any type and with
 * its `lastEventId`, to the other tabs over a `BroadcastChannel` of the same name, so a type listened to only
 * in one tab still arrives there. When the leader's tab closes (or is frozen: it lets go on `freeze` and
 * queues again on `resume`), the next tab in the lock's queue leads at once and resumes after the last id it
 * saw (`?lastEventId=`); followers drop an event whose id is not newer than the last they saw, so nothing is
 * lost or delivered twice.
 *
 * Where Web Locks or BroadcastChannel is missing (or with `{shared: false}`) it is a plain `EventSource`
 * per tab, forwarded.
 *
 * A 204 answer (Herald's answer for a topic DELETEd and not published to since) closes for good: `readyState`
 * becomes CLOSED and an `error` event fires, in every tab, as with `EventSource`. A status other than 200,
 * 204, 429 or 5xx closes the same way; network errors, 429 and 5xx reconnect with backoff (an `error` event
 * with `readyState` CONNECTING each time).
 */
export class HeraldSource extends EventTarget {
    static CONNECTING = CONNECTING;
    static OPEN = OPEN;
    static CLOSED = CLOSED;

    #url;
    #withCredentials;
    #state = CONNECTING;
    #origin;
    /** @type {EventSource | null} */
    #native = null;
    #forwarded = new Set();
    /** @type {BroadcastChannel | null} */
    #channel = null;
    #name = "";
    #lastId = "";
    #leading = false;
    /** @type {AbortController | null} ends this tab's lock request or leadership */
    #lock = null;
    #handlers = {};
    #lifecycle = null;

    /**
     * @param {string | URL} url
     * @param {{withCredentials?: boolean, shared?: boolean}} [options]
     */
    constructor(url, options = {}) {
        super();
        this.#url = new URL(url, globalThis.location?.href).href;
        this.#origin = new URL(this.#url).origin;
        this.#withCredentials = Boolean(options.withCredentials);
        const shared = options.shared !== false && globalThis.navigator?.locks?.request
            && typeof globalThis.BroadcastChannel === "function";
        if (!shared) {
            this.#native = new EventSource(this.#url, {withCredentials: this.#withCredentials});
            this.#native.onopen = () => this.dispatchEvent(new Event("open"));
            this.#native.onerror = () => this.dispatchEvent(new Event("error"));
            this.#forward("message");
            return;
        }
        this.#name = "herald:" + this.#url;
        this.#channel = new BroadcastChannel(this.#name);
        this.#channel.onmessage = (e) => this.#receive(e.data);
        this.#channel.postMessage({t: "hello"});
        if (globalThis.document) {
            this.#lifecycle = (e) => e.type === "freeze" ? this.#resign() : this.#elect();
            document.addEventListener("freeze", this.#lifecycle);
            document.addEventListener("resume", this.#lifecycle);
        }
        this.#elect();
    }

    get url() { return this.#url; }
    get withCredentials() { return this.#withCredentials; }
    get readyState() { return this.#native ? this.#native.readyState : this.#state; }
    /** Whether this instance holds the server connection for its URL (false in the EventSource fallback). */
    get leader() { return this.#leading; }
    get onopen() { return this.#handlers.open?.f ?? null; }
    set onopen(f) { this.#setHandler("open", f); }
    get onmessage() { return this.#handlers.message?.f ?? null; }
    set onmessage(f) { this.#setHandler("message", f); }
    get onerror() { return this.#handlers.error?.f ?? null; }
    set onerror(f) { this.#setHandler("error", f); }

    addEventListener(type, listener, options) {
        this.#forward(type);
        super.addEventListener(type, listener, options);
    }

    /** Closes this instance only: if it led, another tab's instance takes over the connection. */
    close() {
        if (this.#native) {
            this.#native.close();
            return;
        }
        if (this.#state === CLOSED && !this.#channel) {
            return;
        }
        this.#state = CLOSED;
        this.#resign();
        this.#channel?.close();
        this.#channel = null;
        if (this.#lifecycle) {
            document.removeEventListener("freeze", this.#lifecycle);
            document.removeEventListener("resume", this.#lifecycle);
        }
    }

    #setHandler(type, f) {
        const old = this.#handlers[type];
        if (old) {
            this.removeEventListener(type, old.wrapper);
        }
        delete this.#handlers[type];
        if (typeof f === "function") {
            const wrapper = (e) => f.call(this, e);
            this.#handlers[type] = {f, wrapper};
            this.addEventListener(type, wrapper);
        }
    }

    #forward(type) {
        if (this.#native && type !== "open" && type !== "error" && !this.#forwarded.has(type)) {
            this.#forwarded.add(type);
            this.#native.addEventListener(type, (e) => this.dispatchEvent(new MessageEvent(type, e)));
        }
    }

    #elect() {
        if (this.#lock || this.#state === CLOSED) {
            return;
        }
        const lock = this.#lock = new AbortController();
        navigator.locks.request(this.#name, {signal: lock.signal}, () => new Promise((resolve) => {
            lock.signal.addEventListener("abort", resolve);  // let go at once, even when about to freeze
            if (!lock.signal.aborted) {
                this.#lead(lock.signal);
            } else {
                resolve();
            }
        })).catch(() => {});                                 // aborted while queued
    }

    #resign() {
        this.#lock?.abort();
        this.#lock = null;
        this.#leading = false;
    }

    async #lead(signal) {
        this.#leading = true;
        try {
            for await (const f of frames(this.#url, {signal, lastEventId: this.#lastId, lastEventIdQuery: true,
                credentials: this.#withCredentials ? "include" : "same-origin"})) {
                if (f.event) {
                    const m = {t: "event", type: f.event.type, data: f.event.data, id: f.event.lastEventId,
                        hasId: f.hasId};
                    this.#channel.postMessage(m);
                    this.#deliver(m);
                } else if (f.id !== undefined) {
                    this.#lastId = f.id;
                    this.#channel.postMessage({t: "id", id: f.id});
                } else if (f.open) {
                    if (this.#state !== OPEN) {
                        this.#tell("open");
                    }
                } else if (f.retrying) {
                    this.#tell("error");
                } else if (f.closed) {
                    this.#tell("closed");
                }
            }
        } catch (e) {
            if (!signal.aborted) {
                this.#tell("closed");                        // refused, or not an event stream
            }
        } finally {
            if (!signal.aborted) {
                this.#resign();
            }
            this.#leading = false;
        }
    }

    /** The leader announces a state change to every tab and applies it here. */
    #tell(what) {
        this.#channel?.postMessage({t: what});
        this.#apply(what);
    }

    #apply(what) {
        if (this.#state === CLOSED) {
            return;
        }
        if (what === "open") {
            this.#state = OPEN;
            this.dispatchEvent(new Event("open"));
        } else if (what === "error") {
            this.#state = CONNECTING;
            this.dispatchEvent(new Event("error"));
        } else if (what === "closed") {
            this.close();
            this.dispatchEvent(new Event("error"));
        }
    }

    #receive(m) {
        switch (m.t) {
            case "event":
                this.#deliver(m);
                break;
            case "id":
                if (isNewer(m.id, this.#lastId)) {
                    this.#lastId = m.id;
                }
                break;
            case "hello":
                if (this.#leading) {
                    this.#channel.postMessage({t: "state", state: this.#state, id: this.#lastId});
                }
                break;
            case "state":
                if (m.id && isNewer(m.id, this.#lastId)) {
                    this.#lastId = m.id;
                }
                if (m.state === OPEN && this.#state !== OPEN) {
                    this.#apply("open");
                }
                break;
            default:
                this.#apply(m.t);
        }
    }

    #deliver(m) {
        let topic = null;
        if (m.hasId) {
            if (!isNewer(m.id, this.#lastId)) {
                return;                                      // seen before a handover
            }
            topic = topicOf(this.#url, m.id, this.#lastId);
            this.#lastId = m.id;
        }
        if (this.#state !== CLOSED) {
            const event = new MessageEvent(m.type, {data: m.data, lastEventId: m.id, origin: this.#origin});
            event.topic = topic;
            this.dispatchEvent(event);
        }
    }
}

-- Test only: turns the test's Prosody into a server that attacks its own users, so that a test
-- can check what Cloison does when the server lies. Never load this in a deployment.
--
-- The test drives it with messages to the host from the controller account, each carrying one
-- <hostile xmlns='urn:cloison:test:hostile' action='...'/> element:
--   inject  to=JID        deliver the element's child stanza to every session of JID as is,
--                         whatever its 'from' says (a forgery only the server can make)
--   raw     to=JID        write the element's text to every session of JID as raw bytes;
--                         close='true' then drops the connection at once (mid-stanza);
--                         pad=N replaces @PAD@ in the text with N bytes of 'A' (more than
--                         the server would accept from the controller in one stanza)
--   replay  to=JID        deliver again every encrypted message the server delivered to JID
--   withhold jid=JID on=true|false
--                         stop (or resume) answering JID's pings, so its messages are never
--                         acknowledged
-- Each command is answered with a message back to the controller, so a test knows it is done.

local st = require "util.stanza";
local jid = require "util.jid";

local NS = "urn:cloison:test:hostile";
local OMEMO = "eu.siacs.conversations.axolotl";
local controller = module:get_option_string("cloison_hostile_controller", "mallory@" .. module.host);

local delivered = {}; -- bare JID -> the encrypted messages routed to it, oldest first
local withholding = {}; -- bare JID -> true

local function sessions_of(to)
	local full = prosody.full_sessions[to];
	if full then return { full }; end
	local bare = prosody.bare_sessions[jid.bare(to)];
	local out = {};
	if bare then
		for _, session in pairs(bare.sessions) do out[#out + 1] = session; end
	end
	return out;
end

local function remember(event)
	local stanza = event.stanza;
	if stanza:get_child("encrypted", OMEMO) then
		local to = jid.bare(stanza.attr.to);
		delivered[to] = delivered[to] or {};
		table.insert(delivered[to], st.clone(stanza));
	end
end
module:hook("message/bare", remember, 1000);
module:hook("message/full", remember, 1000);

local actions = {};

function actions.inject(command)
	local payload = command.tags[1];
	if not payload then return "nothing to inject"; end
	local sessions = sessions_of(command.attr.to);
	for _, session in ipairs(sessions) do session.send(st.clone(payload)); end
	return "injected into " .. #sessions .. " sessions";
end

function actions.raw(command)
	local sessions = sessions_of(command.attr.to);
	local text = command:get_text();
	local pad = tonumber(command.attr.pad);
	if pad then
		local at = text:find("@PAD@", 1, true);
		if at then text = text:sub(1, at - 1) .. string.rep("A", pad) .. text:sub(at + 5); end
	end
	for _, session in ipairs(sessions) do
		session.rawsend(text);
		if command.attr.close == "true" and session.conn then session.conn:close(); end
	end
	return "wrote to " .. #sessions .. " sessions";
end

function actions.replay(command)
	local to = command.attr.to;
	local sessions = sessions_of(to);
	local count = 0;
	for _, stanza in ipairs(delivered[jid.bare(to)] or {}) do
		for _, session in ipairs(sessions) do session.send(st.clone(stanza)); end
		count = count + 1;
	end
	return "replayed " .. count .. " messages";
end

function actions.withhold(command)
	withholding[jid.bare(command.attr.jid)] = command.attr.on == "true" or nil;
	return "withholding " .. tostring(command.attr.on);
end

module:hook("message/host", function(event)
	local origin, stanza = event.origin, event.stanza;
	local command = stanza:get_child("hostile", NS);
	if not command then return; end
	if jid.bare(stanza.attr.from) ~= controller then return true; end
	local action = actions[command.attr.action];
	local result = action and action(command) or "unknown action";
	module:log("info", "hostile %s: %s", tostring(command.attr.action), result);
	origin.send(st.message({ to = stanza.attr.from, from = module.host, id = stanza.attr.id })
		:tag("done", { xmlns = NS }):text(result):up());
	return true;
end, 100);

module:hook("iq/host/urn:xmpp:ping:ping", function(event)
	if withholding[jid.bare(event.stanza.attr.from)] then return true; end
end, 100);


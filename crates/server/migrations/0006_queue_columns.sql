-- What the agents' queue lists, kept beside the handoff so that listing the queue reads a
-- few short columns instead of parsing every waiting ticket's handoff (up to 512 KB each):
-- the reason for the handover (as JSON) and the visitor's name when the profile gives one.

ALTER TABLE tickets ADD COLUMN reason TEXT;
ALTER TABLE tickets ADD COLUMN visitor_name TEXT;

UPDATE tickets SET
    reason = json_extract(handoff, '$.escalation.reason'),
    visitor_name = CASE json_type(handoff, '$.profile.attributes.name')
        WHEN 'text' THEN json_extract(handoff, '$.profile.attributes.name')
    END;

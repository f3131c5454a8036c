/// How new values for a lead's fields merge into it — the rule every store applies on upsert: a later non-empty
/// value wins, an empty value never overwrites, and the change is recorded as a fields-update event (so fit follows
/// and a replay reproduces it).
public enum FieldMerge {
    /// The merge of `incoming` into a lead whose fields are `current`: the values (trimmed) that are non-empty and
    /// differ, and the event recording them; nil when nothing changes, unless the lead was just `created` (its first
    /// event then records whatever it came with). The event id counts the lead's events, so two merges in one
    /// millisecond get their own ids.
    public static func merge(_ incoming: [String: String], into current: [String: String], key: LeadKey, origin: String,
                             at: Timestamp, eventCount: Int, created: Bool) -> (changes: [String: String], event: Event)? {
        var changes: [String: String] = [:]
        for (name, value) in incoming {
            let v = value.trimmingSpaces
            if !v.isEmpty, current[name] != v { changes[name] = v }
        }
        if changes.isEmpty && !created { return nil }
        let id = EventID("$fields:\(key.email):\(at.millis):\(eventCount)")
        return (changes, Event(id: id, lead: key, at: at, kind: .fieldsUpdate(fields: changes, source: origin)))
    }
}

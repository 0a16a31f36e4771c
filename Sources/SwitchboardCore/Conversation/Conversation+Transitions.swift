import Foundation

/// Why a conversation edit was refused.
public enum ConversationRuleViolation: Error, Sendable, Hashable {
    /// Snoozing needs a time in the future to wake up at.
    case snoozeNeedsFutureTime
    /// `snoozed_until` was given without snoozing.
    case snoozeTimeWithoutSnooze
    /// A label name is empty, too long or has characters other than letters, digits, `-`, `_`, `.` and `:`.
    case invalidLabel(String)
}

extension Conversation {
    /// The conversation after an agent's edit, or the rule the edit breaks. Pure: the stores call it
    /// inside their write transaction so the rules hold the same way in every backend.
    public func applying(_ change: ConversationChange, now: Date) throws(ConversationRuleViolation) -> Conversation {
        var next = self
        if let status = change.status {
            switch status {
            case .snoozed:
                guard let until = change.snoozedUntil, until > now else { throw .snoozeNeedsFutureTime }
                next.snoozedUntil = until
            case .resolved:
                next.snoozedUntil = nil
                if self.status != .resolved { next.resolvedAt = now }
            case .open, .pending:
                guard change.snoozedUntil == nil else { throw .snoozeTimeWithoutSnooze }
                next.snoozedUntil = nil
                next.resolvedAt = nil
            }
            next.status = status
        } else if let until = change.snoozedUntil {
            // Moving the wake-up time of a conversation that is already snoozed.
            guard status == .snoozed else { throw .snoozeTimeWithoutSnooze }
            guard until > now else { throw .snoozeNeedsFutureTime }
            next.snoozedUntil = until
        }
        if let assignee = change.assignee { next.assigneeID = assignee }
        if let team = change.team { next.teamID = team }
        if let priority = change.priority { next.priority = priority }
        if let labels = change.labels { next.labels = try LabelName.normalize(labels) }
        if next != self { next.lastActivityAt = now }
        return next
    }

    /// The conversation after a customer message arrived: it wakes from snooze or pending,
    /// counts as unread and shows the message in the list.
    public func receiving(_ message: Message) -> Conversation {
        var next = self
        if status == .snoozed || status == .pending {
            next.status = .open
            next.snoozedUntil = nil
        }
        next.unreadCount += 1
        next.lastMessage = MessagePreview(of: message)
        next.lastActivityAt = max(lastActivityAt, message.createdAt)
        if next.waitingSince == nil { next.waitingSince = message.createdAt }
        return next
    }

    /// The conversation after an agent, bot or the system wrote in it. A private note changes
    /// nothing the customer sees; a public reply answers the customer.
    public func sending(_ message: Message) -> Conversation {
        var next = self
        next.lastActivityAt = max(lastActivityAt, message.createdAt)
        guard !message.isPrivate else { return next }
        next.lastMessage = MessagePreview(of: message)
        next.unreadCount = 0
        next.waitingSince = nil
        if message.sender.kind == .agent, next.firstResponseAt == nil { next.firstResponseAt = message.createdAt }
        return next
    }
}

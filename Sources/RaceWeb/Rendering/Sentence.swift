/// A rule's reason as the pages show it: "you are a participant of this race" becomes
/// "You are a participant of this race."
public enum Sentence {
    public static func of(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst() + "."
    }
}

import QualifyCore

/// Text for the hand-written SVG charts (ABC-XYZ, funnel): numbers without trailing zeros, text escaped for XML.
enum SVGText {
    static func number(_ v: Double, decimals: Int = 2) -> String {
        var text = AbcXyzMatrix.formatFixed(v, decimals: decimals)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}

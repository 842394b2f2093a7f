/// Columns aligned with two spaces between them; the last column is not padded, so a long
/// prompt does not drag trailing spaces along.
struct TextTable {
    /// The column titles.
    let headers: [String]
    /// Columns whose cells are numbers, aligned right.
    var rightAligned: Set<Int> = []
    private(set) var rows: [[String]] = []

    init(headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    /// Adds a row with one cell per column.
    mutating func add(_ row: [String]) { rows.append(row) }

    /// The width of every column but the last.
    var leadingWidth: Int {
        widths.dropLast().reduce(0) { $0 + $1 + 2 }
    }

    private var widths: [Int] {
        headers.indices.map { column in ([headers] + rows).map { $0[column].count }.max() ?? 0 }
    }

    /// The table as lines.
    func render() -> [String] {
        let widths = widths
        return ([headers] + rows).map { row in
            row.enumerated().map { column, cell in
                if column == row.count - 1 { return cell }
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }.joined(separator: "  ")
        }
    }
}

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

use super::xlsx_out::sheet_name;
use super::*;

// ---------- neutralize / numbers ----------

#[test]
fn neutralize_prefixes_formula_starts() {
    for s in ["=SUM(A1)", "+1", "-2", "@x", "\tx", "\rx"] {
        assert_eq!(neutralize(s), format!("'{s}"), "{s:?}");
    }
    for s in ["普通", "12", "", "a=b", " =x", "'=x"] {
        assert!(matches!(neutralize(s), Cow::Borrowed(b) if b == s), "{s:?}");
    }
}

#[test]
fn numbers_are_plain_with_at_most_four_decimals() {
    let mut out = String::new();
    for (v, want) in [
        (87.5, "87.5"),
        (100.0, "100"),
        (5.0 / 6.0, "0.8333"),
        (2.0 / 3.0, "0.6667"),
        (-2.25, "-2.25"),
        (-0.0, "0"),
        (0.00001, "0"),
        (-0.00001, "0"),
        (12_345.678_91, "12345.6789"),
        (1e15, "1000000000000000"),
        (0.1 + 0.2, "0.3"),
    ] {
        fmt_number(&mut out, v);
        assert_eq!(out, want, "{v}");
    }
}

#[test]
fn cell_from_impls() {
    assert_eq!(Cell::from("a"), Cell::Text("a".into()));
    assert_eq!(Cell::from(String::from("b")), Cell::Text("b".into()));
    assert_eq!(Cell::from(1.5), Cell::Number(1.5));
    assert_eq!(Cell::from(7i64), Cell::Int(7));
    assert_eq!(Cell::from(7), Cell::Int(7));
    assert_eq!(Cell::from(7u64), Cell::Int(7));
    assert_eq!(Cell::from(u64::MAX), Cell::Number(u64::MAX as f64));
    assert_eq!(Cell::from(None::<f64>), Cell::Empty);
    assert_eq!(Cell::from(Some(2.0)), Cell::Number(2.0));
    assert_eq!(Cell::from(None::<&str>), Cell::Empty);
}

// ---------- CSV ----------

fn csv_bytes(rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut out = CsvOut::new(Vec::new()).unwrap();
    for r in rows {
        out.row(r).unwrap();
    }
    out.finish().unwrap()
}

fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "BOM first");
    ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn csv_bom_crlf_chinese_and_neutralised() {
    let bytes = csv_bytes(&[
        vec!["序号".into(), "工作任务".into(), "满意率".into()],
        vec![1.into(), "推进乡村振兴".into(), 87.5.into()],
        vec![2.into(), "=1+1".into(), Cell::Empty],
    ]);
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert_eq!(
        text,
        "序号,工作任务,满意率\r\n1,推进乡村振兴,87.5\r\n2,'=1+1,\r\n"
    );
    let rows = parse_csv(&bytes);
    assert_eq!(rows[1][1], "推进乡村振兴");
    assert_eq!(rows[2][1], "'=1+1");
}

#[test]
fn csv_quotes_specials_and_round_trips() {
    let tricky = [
        "a,b",
        "say \"hi\"",
        "line1\nline2",
        "cr\r\nlf",
        "逗号，中文",
        "  spaces  ",
    ];
    let row: Vec<Cell> = tricky.iter().map(|&s| s.into()).collect();
    let bytes = csv_bytes(&[row, vec!["after".into()]]);
    let rows = parse_csv(&bytes);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0], tricky);
    assert_eq!(rows[1], ["after"]);
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.contains("\"say \"\"hi\"\"\""), "{text}");
    assert!(text.contains("\"a,b\""), "{text}");
}

#[test]
fn csv_numbers_and_ragged_rows() {
    let bytes = csv_bytes(&[
        vec![
            Cell::Number(87.5),
            Cell::Number(100.0),
            Cell::Number(5.0 / 6.0),
            Cell::Number(f64::NAN),
            Cell::Number(f64::INFINITY),
            Cell::Int(-42),
            Cell::Int(i64::MAX),
            None::<f64>.into(),
        ],
        vec![],
        vec!["x".into()],
    ]);
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert_eq!(
        text,
        "87.5,100,0.8333,,,-42,9223372036854775807,\r\n\"\"\r\nx\r\n"
    );
}

#[test]
fn csv_finish_returns_writer_and_reports_io_errors() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let err = CsvOut::new(Broken).err().expect("BOM write fails");
    assert_eq!(err.to_string(), "disk full");

    let file = tempfile::tempfile().unwrap();
    let mut out = CsvOut::new(file).unwrap();
    out.row(&["a".into()]).unwrap();
    let mut file = out.finish().unwrap();
    use std::io::Seek;
    file.rewind().unwrap();
    let mut s = Vec::new();
    file.read_to_end(&mut s).unwrap();
    assert_eq!(s, b"\xEF\xBB\xBFa\r\n");
}

// ---------- XLSX helpers ----------

fn zip_text(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn num(d: Option<&Data>) -> f64 {
    match d {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn text(d: Option<&Data>) -> &str {
    match d {
        Some(Data::String(s)) => s,
        other => panic!("not text: {other:?}"),
    }
}

// ---------- XLSX ----------

#[test]
fn sheet_names_are_sanitised_and_unique() {
    let used = |v: &[&str]| v.iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
    assert_eq!(sheet_name("汇总", &[]), "汇总");
    assert_eq!(sheet_name("a[b]:c*d?e/f\\g", &[]), "a_b__c_d_e_f_g");
    assert_eq!(sheet_name("'引号'", &[]), "引号");
    assert_eq!(sheet_name("  ", &[]), "Sheet");
    assert_eq!(sheet_name("History", &[]), "History (2)");
    assert_eq!(sheet_name("意见", &used(&["意见"])), "意见 (2)");
    assert_eq!(sheet_name("Data", &used(&["data", "data (2)"])), "Data (3)");
    let long = "很".repeat(40);
    let cut = sheet_name(&long, &[]);
    assert_eq!(cut.chars().count(), 31);
    let again = sheet_name(&long, &used(&[&cut]));
    assert_eq!(again.encode_utf16().count(), 31);
    assert!(again.ends_with(" (2)"));
    for n in [cut, again] {
        rust_xlsxwriter::utility::check_sheet_name(&n).unwrap();
    }
}

/// The mixed 46-column row used by the big-sheet test.
fn ballot_row(i: usize) -> Vec<Cell> {
    let mut row = Vec::with_capacity(46);
    row.push(Cell::Int(i as i64));
    row.push(Cell::Text(format!("选票{i:06}")));
    row.push(Cell::Number(i as f64 / 3.0));
    row.push(if i.is_multiple_of(7) {
        "=1+1".into()
    } else {
        "好".into()
    });
    for c in 4..46 {
        row.push(if (i + c).is_multiple_of(11) {
            Cell::Empty
        } else {
            Cell::Int(((i * c) % 5 + 1) as i64)
        });
    }
    row
}

#[test]
fn xlsx_three_sheets_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("round.xlsx");
    const BALLOTS: usize = 20_000;

    let mut x = XlsxOut::new();
    x.sheet("汇总", &["项目", "数值"], &[20.0, 12.0]).unwrap();
    x.row(&["参评人数".into(), 120.into()]).unwrap();
    x.row(&["总体满意率".into(), (5.0 / 6.0).into()]).unwrap();
    x.row(&["=HYPERLINK(\"http://x\")".into(), Cell::Empty])
        .unwrap();

    let header: Vec<String> = (0..46)
        .map(|c| match c {
            0 => "序号".to_owned(),
            1 => "选票编号".to_owned(),
            c => format!("第{c}项"),
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    x.sheet("匿名选票", &header, &[8.0; 46]).unwrap();
    for i in 0..BALLOTS {
        x.row(&ballot_row(i)).unwrap();
    }

    x.sheet("意见", &["意见"], &[60.0]).unwrap();
    x.row(&["建议加快\n道路建设，\"尽快\"".into()]).unwrap();
    x.save(&path).unwrap();

    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["汇总", "匿名选票", "意见"]);

    let sum = book.worksheet_range("汇总").unwrap();
    assert_eq!(sum.get_size(), (4, 2));
    assert_eq!(text(sum.get_value((0, 0))), "项目");
    assert_eq!(text(sum.get_value((1, 0))), "参评人数");
    assert_eq!(num(sum.get_value((1, 1))), 120.0);
    assert_eq!(num(sum.get_value((2, 1))), 0.8333);
    assert_eq!(text(sum.get_value((3, 0))), "'=HYPERLINK(\"http://x\")");

    let ballots = book.worksheet_range("匿名选票").unwrap();
    assert_eq!(ballots.get_size(), (BALLOTS + 1, 46));
    assert_eq!(text(ballots.get_value((0, 1))), "选票编号");
    assert_eq!(text(ballots.get_value((0, 45))), "第45项");
    for i in [0, 1, 7, 9_999, BALLOTS - 1] {
        let r = (i + 1) as u32;
        let want = ballot_row(i);
        assert_eq!(num(ballots.get_value((r, 0))), i as f64);
        assert_eq!(text(ballots.get_value((r, 1))), format!("选票{i:06}"));
        assert_eq!(num(ballots.get_value((r, 2))), round4(i as f64 / 3.0));
        let third = if i.is_multiple_of(7) { "'=1+1" } else { "好" };
        assert_eq!(text(ballots.get_value((r, 3))), third);
        for (c, cell) in want.iter().enumerate().skip(4) {
            let got = ballots.get_value((r, c as u32));
            match cell {
                Cell::Int(v) => assert_eq!(num(got), *v as f64, "row {i} col {c}"),
                _ => assert!(matches!(got, None | Some(Data::Empty)), "row {i} col {c}"),
            }
        }
    }

    let notes = book.worksheet_range("意见").unwrap();
    assert_eq!(notes.get_size(), (2, 1));
    assert_eq!(
        text(notes.get_value((1, 0))),
        "建议加快\n道路建设，\"尽快\""
    );

    // Layout and safety, straight from the XML.
    for n in 1..=3 {
        let xml = zip_text(&path, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(xml.contains("state=\"frozen\""), "sheet{n} frozen header");
        assert!(xml.contains("ySplit=\"1\""), "sheet{n} frozen header");
        assert!(xml.contains("<cols>"), "sheet{n} widths");
        assert!(
            xml.contains("<c r=\"A1\" s=\"1\""),
            "sheet{n} header styled"
        );
        assert!(
            !xml.contains("<f>") && !xml.contains("<f "),
            "sheet{n} no formula"
        );
    }
    let cols = zip_text(&path, "xl/worksheets/sheet1.xml");
    assert!(
        cols.contains("width=\"20.7"),
        "{}",
        &cols[..cols.len().min(1500)]
    );
    let styles = zip_text(&path, "xl/styles.xml");
    assert!(styles.contains("<b/>"), "bold font present");
}

#[test]
fn xlsx_big_and_odd_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.xlsx");
    let mut x = XlsxOut::default();
    x.sheet("x", &["a"], &[f64::NAN, -3.0, 1e9]).unwrap();
    x.row(&[
        Cell::Int(i64::MAX),
        Cell::Int(-(1 << 53)),
        Cell::Number(f64::NAN),
        Cell::Text(String::new()),
        Cell::Text("长".repeat(40_000)),
        Cell::Number(-0.0),
    ])
    .unwrap();
    x.save(&path).unwrap();

    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let r = book.worksheet_range("x").unwrap();
    // Too big for an f64: kept exact as text, not neutralised (not user text).
    assert_eq!(text(r.get_value((1, 0))), "9223372036854775807");
    assert_eq!(num(r.get_value((1, 1))), -9007199254740992.0);
    assert!(matches!(r.get_value((1, 2)), None | Some(Data::Empty)));
    assert!(matches!(r.get_value((1, 3)), None | Some(Data::Empty)));
    assert_eq!(text(r.get_value((1, 4))).chars().count(), 32_767);
    assert_eq!(num(r.get_value((1, 5))), 0.0);
}

#[test]
fn xlsx_row_limit_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("full.xlsx");
    let mut x = XlsxOut::new();
    x.sheet("匿名选票", &["序号"], &[8.0]).unwrap();
    x.row(&[1.into()]).unwrap();
    x.skip_to_row(XLSX_MAX_ROWS - 1);
    x.row(&["last".into()]).unwrap();
    let err = x.row(&["one too many".into()]).unwrap_err();
    assert!(
        matches!(&err, ExportError::TooManyRows { sheet, limit } if sheet == "匿名选票" && *limit == XLSX_MAX_ROWS),
        "{err:?}"
    );
    assert!(err.to_string().contains("1048576"), "{err}");
    // The sheet is still good up to the limit; a new sheet starts afresh.
    x.sheet("下一页", &["序号"], &[]).unwrap();
    x.row(&[2.into()]).unwrap();
    x.save(&path).unwrap();

    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let r = book.worksheet_range("匿名选票").unwrap();
    assert_eq!(r.end(), Some((XLSX_MAX_ROWS - 1, 0)));
    assert_eq!(text(r.get_value((XLSX_MAX_ROWS - 1, 0))), "last");
    let r = book.worksheet_range("下一页").unwrap();
    assert_eq!(num(r.get_value((1, 0))), 2.0);
}

#[test]
fn xlsx_misuse_gives_errors() {
    let mut x = XlsxOut::new();
    assert!(matches!(x.row(&["a".into()]), Err(ExportError::NoSheet)));
    let cols = vec![Cell::Int(1); usize::from(XLSX_MAX_COLS) + 1];
    x.sheet("s", &[], &[]).unwrap();
    assert!(matches!(
        x.row(&cols),
        Err(ExportError::TooManyColumns { given: 16_385, .. })
    ));
    // Duplicate names are made unique rather than rejected at save time.
    x.sheet("S", &["h"], &[]).unwrap();
    x.row(&[1.into()]).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/out.xlsx");
    assert!(matches!(x.save(&missing), Err(ExportError::Io(_))));

    let ok = dir.path().join("ok.xlsx");
    let mut x = XlsxOut::new();
    x.sheet("s", &["h"], &[]).unwrap();
    x.sheet("S", &["h"], &[]).unwrap();
    x.save(&ok).unwrap();
    let book: Xlsx<_> = open_workbook(&ok).unwrap();
    assert_eq!(book.sheet_names(), ["s", "S (2)"]);
}

#[test]
fn writers_can_move_to_a_blocking_thread() {
    fn is_send<T: Send>() {}
    is_send::<XlsxOut>();
    is_send::<CsvOut<std::fs::File>>();
    is_send::<ExportError>();
}

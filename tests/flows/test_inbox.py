"""The drop folder's report: folders processed, failed, and the files set aside with the fix."""

from flows import inbox


def test_report_rows_list_set_aside_files_with_their_fix(tmp_path):
    aside = {"path": "boite/cep/notes/a01.docx", "kind": "note", "line": None,
             "reason": "le document Word est illisible", "fix": "enregistrez-le en .docx"}
    rows = inbox.report_rows(["cep", "sud"], {"nord": "aucun fichier evenement.yaml"},
                             {"cep": [aside]})
    by = {(r["dossier"], r["fichier"]): r for r in rows}
    assert by[("sud", "")]["statut"] == "traité"
    assert "1 fichier(s) écarté(s)" in by[("cep", "")]["statut"]
    assert by[("nord", "")]["statut"].startswith("échec")
    row = by[("cep", aside["path"])]
    assert row["correction"] == aside["fix"] and aside["reason"] in row["statut"]


def test_a_folder_with_a_set_aside_file_is_taken_up_again_when_it_changes(tmp_path):
    box = tmp_path / "inbox"
    (box / "cep" / "notes").mkdir(parents=True)
    bad = box / "cep" / "notes" / "a01.docx"
    bad.write_bytes(b"pas un docx")
    state = inbox.scan(box)  # recorded after a run that set a01.docx aside
    assert inbox.pending(inbox.scan(box), state) == []
    bad.write_bytes(b"PK corrige")
    assert inbox.pending(inbox.scan(box), state) == ["cep"]

from check_export import export_drift


def test_notebooks_and_package_agree():
    assert export_drift() == []

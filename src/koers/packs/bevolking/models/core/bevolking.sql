-- One row per region (gemeente or wijk) x year x age band x sex, as CBS StatLine delivers it,
-- conformed: the reference date (1 January of the year), the age band's lower bound for
-- ordering ('95 jaar of ouder' -> 95), and the sexes as CBS names them, total included.
SELECT
    b.gemeente_code,
    b.soort_regio,
    b.regiocode,
    b.regio,
    CAST(b.jaar AS INTEGER) AS jaar,
    make_date(CAST(b.jaar AS INTEGER), 1, 1) AS peildatum,
    b.geslacht,
    b.leeftijd AS leeftijdsklasse,
    CAST(split_part(b.leeftijd, ' ', 1) AS INTEGER) AS leeftijd_vanaf,
    b.inwoners
FROM staging.bevolking AS b

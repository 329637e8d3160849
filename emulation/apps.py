from django.apps import AppConfig


class EmulationConfig(AppConfig):
    name = "emulation"
    verbose_name = "Thi đua, khen thưởng"

    def ready(self):
        from emulation.reports.sources import SECTION_SOURCES
        from emulation.scoring.sources import scoring_records

        # The report prints the scoring's ranking (`{% scoring_ranking %}`): its stamp
        # reads what the ranking is made of.
        if scoring_records not in SECTION_SOURCES:
            SECTION_SOURCES.append(scoring_records)

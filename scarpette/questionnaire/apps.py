from django.apps import AppConfig


class QuestionnaireConfig(AppConfig):
    name = "scarpette.questionnaire"
    label = "questionnaire"

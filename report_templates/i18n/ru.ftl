# Каталог отчётов rbm: русский язык, общие слова всех шаблонов.
# Подписи конкретного шаблона: report_templates/<шаблон>/ru.ftl.

## Числа и даты
number-decimal-separator = ,
number-group-separator = {"\u00A0"}
date-format = %d.%m.%Y
date-format-excel = dd.mm.yyyy
page-x-of-y = стр. { $page } из { $pages }

## Статусы индикаторов
status-on_track = По плану
status-needs_attention = Требует внимания
status-off_track = Отставание
status-no_data = Нет данных
status-not_rated = Без оценки

## Статусы мероприятий
activity-not_started = Не начато
activity-on_track = По плану
activity-delayed = Задерживается
activity-completed = Завершено
activity-cancelled = Отменено

## Категории и статусы рисков
risk-environmental = Экологический
risk-financial = Финансовый
risk-operational = Операционный
risk-organizational = Организационный
risk-political = Политический
risk-regulatory = Регуляторный
risk-strategic = Стратегический
risk-safety_security = Безопасность
risk-social = Социальный
risk-open = Открыт
risk-monitoring = Под наблюдением
risk-closed = Закрыт

## Уровни рамки результатов
level-impact = Воздействие (общая цель)
level-outcome = Конечный результат (конкретная цель)
level-output = Промежуточный результат
level-activity_result = Результат мероприятий
level-activity = Мероприятие

## Значения
yes = Да
no = Нет
none = Нет
not-recorded = не указано
total = Итого
subtotal = Промежуточный итог
continued = продолжение

## Все отчёты
report-draft = ПРОЕКТ: содержит неутверждённые данные
report-generated = Сформировано rbm { $at } для { $by }
report-generated-short = Сформировано rbm { $at }

## Блок удостоверения
cert-title = Удостоверение
cert-prepared-by = Подготовил
cert-approved-by = Утвердил
cert-name = Ф. И. О.
cert-function = Должность
cert-date = Дата
cert-signature = Подпись

## Месяцы
month-1 = январь
month-2 = февраль
month-3 = март
month-4 = апрель
month-5 = май
month-6 = июнь
month-7 = июль
month-8 = август
month-9 = сентябрь
month-10 = октябрь
month-11 = ноябрь
month-12 = декабрь

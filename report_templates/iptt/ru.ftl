# Таблица отслеживания выполнения индикаторов (IPTT): подписи шаблона, русский язык.
# Общие слова (форматы чисел, да/нет, месяцы) — в ../i18n/ru.ftl.

iptt-title = Таблица отслеживания выполнения индикаторов
iptt-period = { $kind ->
    [quarter] { $tq } кв. { $ty } г.
    [year] { $ty } г.
   *[range] { $fq } кв. { $fy } г. – { $tq } кв. { $ty } г.
}
iptt-quarter = { $q } кв. { $year }
iptt-year-part = { $year } ({ $fq }–{ $tq } кв.)
iptt-generated = Сформировано rbm { $date } в { $time }
iptt-intro = Учитываются только утверждённые фактические значения. Весь срок проекта: цели на весь проект, факт — на конец периода. % выполнения — факт / цель для суммируемых результатов и (факт − база) / (цель − база) для уровневых показателей, поэтому снижающийся индикатор оценивается верно.
iptt-legend = Направление: + прогресс — рост, − прогресс — снижение. Н/НН: Н — нарастающий (уровень: каждое значение — положение на дату); НН — ненарастающий (каждый период учитывает свои результаты, за весь срок они складываются). #/%: число, процент, веха да/нет или текст. Строки разбивки: факт по категории и его доля в факте индикатора (%).
iptt-sheet = IPTT
iptt-col-no = №
iptt-col-indicator = Индикатор
iptt-col-level = Уровень
iptt-col-unit = Ед. изм.
iptt-col-direction = +/−
iptt-col-cnc = Н/НН
iptt-col-measure = #/%
iptt-col-baseline = База
iptt-group-indicator = Индикатор
iptt-group-lop = Весь срок проекта
iptt-target = Цель
iptt-actual = Факт
iptt-met = % выполн.
iptt-share = доля
iptt-direction-increase = +
iptt-direction-decrease = −
iptt-cnc-sum = НН
iptt-cnc-latest = Н
iptt-measure-number = #
iptt-measure-percentage = %
iptt-measure-yes_no = Да/нет
iptt-measure-qualitative = Текст
iptt-level-impact = Воздействие
iptt-level-outcome = Конечный результат
iptt-level-output = Промежут. результат
iptt-level-activity_result = Результат меропр.
iptt-level-activity = Мероприятие
iptt-dimension-sex = Пол
iptt-dimension-age = Возраст
iptt-dimension-disability = Инвалидность
iptt-dimension-location = Местность
iptt-category-women = женщины
iptt-category-men = мужчины
iptt-category-youth = молодёжь
iptt-category-elderly = пожилые
iptt-category-rural = сельская
iptt-category-urban = городская
iptt-no-indicators = В рамке результатов ещё нет индикаторов.

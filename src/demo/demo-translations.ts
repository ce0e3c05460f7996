/**
 * The demo course's content in every language of the tool's pages: the quizzes (titles,
 * questions and choices, in the order of demo-course.ts, the right answer at the same index),
 * the words of the quiz page, and the texts of the seeded achievement. English is in
 * demo-course.ts; the quiz pages follow the language the demo LMS launched in.
 */
import type { Locale } from '../web/i18n.js';
import type { DemoActivity } from './demo-course.js';

type Translated = Exclude<Locale, 'en'>;

interface ActivityTexts {
  readonly title: string;
  readonly questions: readonly { readonly text: string; readonly choices: readonly string[] }[];
}

/** The words of a quiz page; `{name}` marks a value quiz.js fills in. */
export interface QuizWords {
  readonly notLaunched: string;
  readonly submit: string;
  /** `{correct}`, `{total}`, `{percent}` and `{verdict}` (passed or notPassed). */
  readonly summary: string;
  readonly passed: string;
  readonly notPassed: string;
  readonly sending: string;
  readonly sent: string;
  readonly back: string;
  /** `{error}`. */
  readonly failed: string;
}

const ACTIVITY_TEXTS: Record<Translated, Record<string, ActivityTexts>> = {
  de: {
    'sustainability-basics': {
      title: 'Grundlagen der Nachhaltigkeit',
      questions: [
        {
          text: 'Welche drei Säulen bringt nachhaltige Entwicklung ins Gleichgewicht?',
          choices: [
            'Ökologisch, ökonomisch und sozial',
            'Lokal, national und global',
            'Energie, Wasser und Nahrung',
          ],
        },
        {
          text: 'Was misst eine Ökobilanz?',
          choices: [
            'Den Preis eines Produkts über seine Lebensdauer',
            'Die Umweltwirkung eines Produkts vom Rohstoff bis zur Entsorgung',
            'Wie lange ein Produkt hält',
          ],
        },
        {
          text: 'Welcher UN-Rahmen setzt 17 Ziele für 2030?',
          choices: [
            'Das Kyoto-Protokoll',
            'Die Ziele für nachhaltige Entwicklung',
            'Der Bologna-Prozess',
          ],
        },
      ],
    },
    'climate-and-ecosystems': {
      title: 'Klima und Ökosysteme',
      questions: [
        {
          text: 'Welches Gas trägt am meisten zur menschengemachten Erderwärmung bei?',
          choices: ['Sauerstoff', 'Kohlendioxid', 'Stickstoff'],
        },
        {
          text: 'Was ist Biodiversität?',
          choices: [
            'Die Vielfalt des Lebens in einem Ökosystem',
            'Die Zahl der Bäume in einem Wald',
            'Eine Anbaumethode',
          ],
        },
        {
          text: 'Was davon speichert am meisten Kohlenstoff pro Hektar?',
          choices: ['Moor', 'Ein Parkplatz', 'Ein Weizenfeld'],
        },
      ],
    },
    'circular-economy': {
      title: 'Kreislaufwirtschaft',
      questions: [
        {
          text: 'Was strebt eine Kreislaufwirtschaft an?',
          choices: [
            'Nehmen, herstellen, wegwerfen',
            'Materialien so lange wie möglich in Gebrauch halten',
            'Mehr und schneller produzieren',
          ],
        },
        {
          text: 'Welches Geschäftsmodell passt am besten zu einer Kreislaufwirtschaft?',
          choices: [
            'Einwegverpackungen',
            'Produkt als Dienstleistung mit Reparatur',
            'Geplante Obsoleszenz',
          ],
        },
        {
          text: 'Was ist „Wiederaufbereitung“?',
          choices: [
            'Gebrauchte Produkte in neuwertigen Zustand bringen',
            'Abfall zur Energiegewinnung verbrennen',
            'Eine Fabrik ins Ausland verlegen',
          ],
        },
      ],
    },
    'fair-work-and-inclusion': {
      title: 'Faire Arbeit und Inklusion',
      questions: [
        {
          text: 'Was deckt ein existenzsichernder Lohn ab?',
          choices: [
            'Nur Lebensmittel',
            'Einen angemessenen Lebensstandard für Beschäftigte und ihre Familie',
            'Steuern',
          ],
        },
        {
          text: 'Was ist ein Beispiel für inklusives Design?',
          choices: [
            'Untertitel in Videos',
            'Eine Website, die nur mit der Maus funktioniert',
            'Formulare in nur einer Sprache',
          ],
        },
        {
          text: 'Worauf achtet die Sorgfaltspflicht in der Lieferkette?',
          choices: [
            'Günstigere Lieferanten',
            'Menschenrechts- und Umweltrisiken',
            'Schnelleren Versand',
          ],
        },
      ],
    },
  },
  fr: {
    'sustainability-basics': {
      title: 'Les bases de la durabilité',
      questions: [
        {
          text: 'Quels sont les trois piliers qu’équilibre le développement durable ?',
          choices: [
            'Environnemental, économique et social',
            'Local, national et mondial',
            'Énergie, eau et alimentation',
          ],
        },
        {
          text: 'Que mesure une analyse du cycle de vie ?',
          choices: [
            'Le prix d’un produit sur sa durée de vie',
            'L’impact environnemental d’un produit, de la matière première à l’élimination',
            'La durée de vie d’un produit',
          ],
        },
        {
          text: 'Quel cadre de l’ONU fixe 17 objectifs pour 2030 ?',
          choices: [
            'Le protocole de Kyoto',
            'Les objectifs de développement durable',
            'Le processus de Bologne',
          ],
        },
      ],
    },
    'climate-and-ecosystems': {
      title: 'Climat et écosystèmes',
      questions: [
        {
          text: 'Quel gaz contribue le plus au réchauffement climatique d’origine humaine ?',
          choices: ['L’oxygène', 'Le dioxyde de carbone', 'L’azote'],
        },
        {
          text: 'Qu’est-ce que la biodiversité ?',
          choices: [
            'La diversité du vivant dans un écosystème',
            'Le nombre d’arbres d’une forêt',
            'Une méthode agricole',
          ],
        },
        {
          text: 'Lequel stocke le plus de carbone par hectare ?',
          choices: ['Une tourbière', 'Un parking', 'Un champ de blé'],
        },
      ],
    },
    'circular-economy': {
      title: 'Économie circulaire',
      questions: [
        {
          text: 'Que vise une économie circulaire ?',
          choices: [
            'Extraire, fabriquer, jeter',
            'Garder les matériaux en usage le plus longtemps possible',
            'Produire plus, plus vite',
          ],
        },
        {
          text: 'Quel modèle économique convient le mieux à une économie circulaire ?',
          choices: [
            'Les emballages à usage unique',
            'Le produit en tant que service, avec réparation',
            'L’obsolescence programmée',
          ],
        },
        {
          text: 'Qu’est-ce que la « refabrication » ?',
          choices: [
            'Remettre des produits usagés à l’état neuf',
            'Brûler des déchets pour produire de l’énergie',
            'Délocaliser une usine',
          ],
        },
      ],
    },
    'fair-work-and-inclusion': {
      title: 'Travail équitable et inclusion',
      questions: [
        {
          text: 'Que couvre un salaire décent ?',
          choices: [
            'Seulement la nourriture',
            'Un niveau de vie digne pour le travailleur et sa famille',
            'Les impôts',
          ],
        },
        {
          text: 'Lequel est un exemple de conception inclusive ?',
          choices: [
            'Des sous-titres sur les vidéos',
            'Un site web utilisable uniquement à la souris',
            'Des formulaires dans une seule langue',
          ],
        },
        {
          text: 'Que recherche le devoir de vigilance dans la chaîne d’approvisionnement ?',
          choices: [
            'Des fournisseurs moins chers',
            'Les risques pour les droits humains et l’environnement',
            'Une livraison plus rapide',
          ],
        },
      ],
    },
  },
  es: {
    'sustainability-basics': {
      title: 'Fundamentos de la sostenibilidad',
      questions: [
        {
          text: '¿Qué tres pilares equilibra el desarrollo sostenible?',
          choices: [
            'Ambiental, económico y social',
            'Local, nacional y global',
            'Energía, agua y alimentos',
          ],
        },
        {
          text: '¿Qué mide un análisis del ciclo de vida?',
          choices: [
            'El precio de un producto a lo largo de su vida',
            'El impacto ambiental de un producto desde la materia prima hasta su eliminación',
            'Cuánto dura un producto',
          ],
        },
        {
          text: '¿Qué marco de la ONU fija 17 objetivos para 2030?',
          choices: [
            'El Protocolo de Kioto',
            'Los Objetivos de Desarrollo Sostenible',
            'El Proceso de Bolonia',
          ],
        },
      ],
    },
    'climate-and-ecosystems': {
      title: 'Clima y ecosistemas',
      questions: [
        {
          text: '¿Qué gas contribuye más al calentamiento global causado por el ser humano?',
          choices: ['El oxígeno', 'El dióxido de carbono', 'El nitrógeno'],
        },
        {
          text: '¿Qué es la biodiversidad?',
          choices: [
            'La variedad de vida en un ecosistema',
            'El número de árboles de un bosque',
            'Un método de cultivo',
          ],
        },
        {
          text: '¿Cuál de estos almacena más carbono por hectárea?',
          choices: ['Una turbera', 'Un aparcamiento', 'Un campo de trigo'],
        },
      ],
    },
    'circular-economy': {
      title: 'Economía circular',
      questions: [
        {
          text: '¿Qué busca una economía circular?',
          choices: [
            'Extraer, fabricar, desechar',
            'Mantener los materiales en uso el mayor tiempo posible',
            'Producir más y más rápido',
          ],
        },
        {
          text: '¿Qué modelo de negocio encaja mejor con una economía circular?',
          choices: [
            'Envases de un solo uso',
            'El producto como servicio, con reparación',
            'La obsolescencia programada',
          ],
        },
        {
          text: '¿Qué es la «remanufactura»?',
          choices: [
            'Devolver productos usados a un estado como nuevo',
            'Quemar residuos para obtener energía',
            'Trasladar una fábrica al extranjero',
          ],
        },
      ],
    },
    'fair-work-and-inclusion': {
      title: 'Trabajo justo e inclusión',
      questions: [
        {
          text: '¿Qué cubre un salario digno?',
          choices: [
            'Solo la comida',
            'Un nivel de vida digno para la persona trabajadora y su familia',
            'Los impuestos',
          ],
        },
        {
          text: '¿Cuál es un ejemplo de diseño inclusivo?',
          choices: [
            'Subtítulos en los vídeos',
            'Un sitio web que solo funciona con ratón',
            'Formularios en un solo idioma',
          ],
        },
        {
          text: '¿Qué busca la diligencia debida en la cadena de suministro?',
          choices: [
            'Proveedores más baratos',
            'Riesgos para los derechos humanos y el medio ambiente',
            'Envíos más rápidos',
          ],
        },
      ],
    },
  },
  it: {
    'sustainability-basics': {
      title: 'Fondamenti di sostenibilità',
      questions: [
        {
          text: 'Quali tre pilastri bilancia lo sviluppo sostenibile?',
          choices: [
            'Ambientale, economico e sociale',
            'Locale, nazionale e globale',
            'Energia, acqua e cibo',
          ],
        },
        {
          text: 'Che cosa misura una valutazione del ciclo di vita?',
          choices: [
            'Il prezzo di un prodotto lungo la sua vita',
            'L’impatto ambientale di un prodotto dalla materia prima allo smaltimento',
            'Quanto dura un prodotto',
          ],
        },
        {
          text: 'Quale quadro dell’ONU fissa 17 obiettivi per il 2030?',
          choices: [
            'Il Protocollo di Kyoto',
            'Gli Obiettivi di sviluppo sostenibile',
            'Il Processo di Bologna',
          ],
        },
      ],
    },
    'climate-and-ecosystems': {
      title: 'Clima ed ecosistemi',
      questions: [
        {
          text: 'Quale gas contribuisce di più al riscaldamento globale causato dall’uomo?',
          choices: ['L’ossigeno', 'L’anidride carbonica', 'L’azoto'],
        },
        {
          text: 'Che cos’è la biodiversità?',
          choices: [
            'La varietà della vita in un ecosistema',
            'Il numero di alberi in un bosco',
            'Un metodo di coltivazione',
          ],
        },
        {
          text: 'Quale di questi immagazzina più carbonio per ettaro?',
          choices: ['Una torbiera', 'Un parcheggio', 'Un campo di grano'],
        },
      ],
    },
    'circular-economy': {
      title: 'Economia circolare',
      questions: [
        {
          text: 'A che cosa mira un’economia circolare?',
          choices: [
            'Prendere, produrre, gettare',
            'Mantenere i materiali in uso il più a lungo possibile',
            'Produrre di più, più in fretta',
          ],
        },
        {
          text: 'Quale modello di business si adatta meglio a un’economia circolare?',
          choices: [
            'Imballaggi monouso',
            'Il prodotto come servizio, con riparazione',
            'L’obsolescenza programmata',
          ],
        },
        {
          text: 'Che cos’è la «rigenerazione»?',
          choices: [
            'Riportare prodotti usati a condizioni come nuove',
            'Bruciare rifiuti per produrre energia',
            'Spostare una fabbrica all’estero',
          ],
        },
      ],
    },
    'fair-work-and-inclusion': {
      title: 'Lavoro equo e inclusione',
      questions: [
        {
          text: 'Che cosa copre un salario dignitoso?',
          choices: [
            'Solo il cibo',
            'Un tenore di vita dignitoso per chi lavora e la sua famiglia',
            'Le tasse',
          ],
        },
        {
          text: 'Quale è un esempio di design inclusivo?',
          choices: [
            'Sottotitoli nei video',
            'Un sito che funziona solo con il mouse',
            'Moduli in una sola lingua',
          ],
        },
        {
          text: 'Che cosa cerca la due diligence nella catena di fornitura?',
          choices: [
            'Fornitori più economici',
            'Rischi per i diritti umani e per l’ambiente',
            'Spedizioni più rapide',
          ],
        },
      ],
    },
  },
  nl: {
    'sustainability-basics': {
      title: 'Basis van duurzaamheid',
      questions: [
        {
          text: 'Welke drie pijlers brengt duurzame ontwikkeling in evenwicht?',
          choices: [
            'Ecologisch, economisch en sociaal',
            'Lokaal, nationaal en mondiaal',
            'Energie, water en voedsel',
          ],
        },
        {
          text: 'Wat meet een levenscyclusanalyse?',
          choices: [
            'De prijs van een product over zijn levensduur',
            'De milieu-impact van een product van grondstof tot afval',
            'Hoe lang een product meegaat',
          ],
        },
        {
          text: 'Welk VN-kader stelt 17 doelen voor 2030?',
          choices: ['Het Kyotoprotocol', 'De Duurzame Ontwikkelingsdoelen', 'Het Bolognaproces'],
        },
      ],
    },
    'climate-and-ecosystems': {
      title: 'Klimaat en ecosystemen',
      questions: [
        {
          text: 'Welk gas draagt het meest bij aan door de mens veroorzaakte opwarming?',
          choices: ['Zuurstof', 'Koolstofdioxide', 'Stikstof'],
        },
        {
          text: 'Wat is biodiversiteit?',
          choices: [
            'De verscheidenheid aan leven in een ecosysteem',
            'Het aantal bomen in een bos',
            'Een landbouwmethode',
          ],
        },
        {
          text: 'Wat slaat de meeste koolstof per hectare op?',
          choices: ['Veen', 'Een parkeerplaats', 'Een tarweveld'],
        },
      ],
    },
    'circular-economy': {
      title: 'Circulaire economie',
      questions: [
        {
          text: 'Waar streeft een circulaire economie naar?',
          choices: [
            'Nemen, maken, weggooien',
            'Materialen zo lang mogelijk in gebruik houden',
            'Meer en sneller produceren',
          ],
        },
        {
          text: 'Welk bedrijfsmodel past het best bij een circulaire economie?',
          choices: [
            'Wegwerpverpakkingen',
            'Product als dienst, met reparatie',
            'Geplande veroudering',
          ],
        },
        {
          text: 'Wat is „refabricage”?',
          choices: [
            'Gebruikte producten weer als nieuw maken',
            'Afval verbranden voor energie',
            'Een fabriek naar het buitenland verplaatsen',
          ],
        },
      ],
    },
    'fair-work-and-inclusion': {
      title: 'Eerlijk werk en inclusie',
      questions: [
        {
          text: 'Wat dekt een leefbaar loon?',
          choices: [
            'Alleen voedsel',
            'Een fatsoenlijke levensstandaard voor een werknemer en het gezin',
            'Belastingen',
          ],
        },
        {
          text: 'Wat is een voorbeeld van inclusief ontwerp?',
          choices: [
            'Ondertiteling bij video’s',
            'Een website die alleen met een muis werkt',
            'Formulieren in maar één taal',
          ],
        },
        {
          text: 'Waar let gepaste zorgvuldigheid in de toeleveringsketen op?',
          choices: [
            'Goedkopere leveranciers',
            'Risico’s voor mensenrechten en milieu',
            'Snellere verzending',
          ],
        },
      ],
    },
  },
  pl: {
    'sustainability-basics': {
      title: 'Podstawy zrównoważonego rozwoju',
      questions: [
        {
          text: 'Jakie trzy filary równoważy zrównoważony rozwój?',
          choices: [
            'Środowiskowy, ekonomiczny i społeczny',
            'Lokalny, krajowy i globalny',
            'Energia, woda i żywność',
          ],
        },
        {
          text: 'Co mierzy ocena cyklu życia?',
          choices: [
            'Cenę produktu w całym okresie jego użytkowania',
            'Wpływ produktu na środowisko od surowca do utylizacji',
            'Jak długo produkt wytrzymuje',
          ],
        },
        {
          text: 'Które ramy ONZ wyznaczają 17 celów na 2030 rok?',
          choices: ['Protokół z Kioto', 'Cele zrównoważonego rozwoju', 'Proces boloński'],
        },
      ],
    },
    'climate-and-ecosystems': {
      title: 'Klimat i ekosystemy',
      questions: [
        {
          text: 'Który gaz najbardziej przyczynia się do globalnego ocieplenia wywołanego przez człowieka?',
          choices: ['Tlen', 'Dwutlenek węgla', 'Azot'],
        },
        {
          text: 'Czym jest bioróżnorodność?',
          choices: ['Różnorodnością życia w ekosystemie', 'Liczbą drzew w lesie', 'Metodą uprawy'],
        },
        {
          text: 'Co z tego magazynuje najwięcej węgla na hektar?',
          choices: ['Torfowisko', 'Parking', 'Pole pszenicy'],
        },
      ],
    },
    'circular-economy': {
      title: 'Gospodarka o obiegu zamkniętym',
      questions: [
        {
          text: 'Do czego dąży gospodarka o obiegu zamkniętym?',
          choices: [
            'Wydobyć, wyprodukować, wyrzucić',
            'Utrzymać materiały w użyciu jak najdłużej',
            'Produkować więcej i szybciej',
          ],
        },
        {
          text: 'Który model biznesowy najlepiej pasuje do gospodarki o obiegu zamkniętym?',
          choices: [
            'Opakowania jednorazowe',
            'Produkt jako usługa, z naprawą',
            'Planowane postarzanie',
          ],
        },
        {
          text: 'Czym jest „regeneracja produktów”?',
          choices: [
            'Przywracanie używanych produktów do stanu jak nowe',
            'Spalanie odpadów w celu uzyskania energii',
            'Przeniesienie fabryki za granicę',
          ],
        },
      ],
    },
    'fair-work-and-inclusion': {
      title: 'Godna praca i włączenie',
      questions: [
        {
          text: 'Co pokrywa płaca godziwa?',
          choices: ['Tylko żywność', 'Godny poziom życia pracownika i jego rodziny', 'Podatki'],
        },
        {
          text: 'Co jest przykładem projektowania włączającego?',
          choices: [
            'Napisy w filmach',
            'Strona działająca tylko z myszą',
            'Formularze tylko w jednym języku',
          ],
        },
        {
          text: 'Czego szuka należyta staranność w łańcuchu dostaw?',
          choices: [
            'Tańszych dostawców',
            'Zagrożeń dla praw człowieka i środowiska',
            'Szybszej wysyłki',
          ],
        },
      ],
    },
  },
  fi: {
    'sustainability-basics': {
      title: 'Kestävyyden perusteet',
      questions: [
        {
          text: 'Mitä kolmea pilaria kestävä kehitys tasapainottaa?',
          choices: [
            'Ekologista, taloudellista ja sosiaalista',
            'Paikallista, kansallista ja maailmanlaajuista',
            'Energiaa, vettä ja ruokaa',
          ],
        },
        {
          text: 'Mitä elinkaariarviointi mittaa?',
          choices: [
            'Tuotteen hintaa sen elinkaaren aikana',
            'Tuotteen ympäristövaikutusta raaka-aineesta hävittämiseen',
            'Kuinka kauan tuote kestää',
          ],
        },
        {
          text: 'Mikä YK:n kehys asettaa 17 tavoitetta vuodelle 2030?',
          choices: ['Kioton pöytäkirja', 'Kestävän kehityksen tavoitteet', 'Bolognan prosessi'],
        },
      ],
    },
    'climate-and-ecosystems': {
      title: 'Ilmasto ja ekosysteemit',
      questions: [
        {
          text: 'Mikä kaasu lisää eniten ihmisen aiheuttamaa ilmaston lämpenemistä?',
          choices: ['Happi', 'Hiilidioksidi', 'Typpi'],
        },
        {
          text: 'Mitä on luonnon monimuotoisuus?',
          choices: [
            'Elämän moninaisuutta ekosysteemissä',
            'Metsän puiden lukumäärä',
            'Viljelymenetelmä',
          ],
        },
        {
          text: 'Mikä näistä varastoi eniten hiiltä hehtaaria kohden?',
          choices: ['Suo', 'Pysäköintialue', 'Vehnäpelto'],
        },
      ],
    },
    'circular-economy': {
      title: 'Kiertotalous',
      questions: [
        {
          text: 'Mihin kiertotalous pyrkii?',
          choices: [
            'Ota, valmista, hävitä',
            'Pitää materiaalit käytössä mahdollisimman pitkään',
            'Tuottaa enemmän ja nopeammin',
          ],
        },
        {
          text: 'Mikä liiketoimintamalli sopii kiertotalouteen parhaiten?',
          choices: [
            'Kertakäyttöpakkaukset',
            'Tuote palveluna korjauksineen',
            'Suunniteltu vanheneminen',
          ],
        },
        {
          text: 'Mitä on ”uudelleenvalmistus”?',
          choices: [
            'Käytettyjen tuotteiden palauttaminen uutta vastaavaan kuntoon',
            'Jätteen polttaminen energiaksi',
            'Tehtaan siirtäminen ulkomaille',
          ],
        },
      ],
    },
    'fair-work-and-inclusion': {
      title: 'Reilu työ ja osallisuus',
      questions: [
        {
          text: 'Mitä elämiseen riittävä palkka kattaa?',
          choices: [
            'Vain ruoan',
            'Kohtuullisen elintason työntekijälle ja hänen perheelleen',
            'Verot',
          ],
        },
        {
          text: 'Mikä on esimerkki saavutettavasta suunnittelusta?',
          choices: [
            'Videoiden tekstitys',
            'Verkkosivu, joka toimii vain hiirellä',
            'Lomakkeet vain yhdellä kielellä',
          ],
        },
        {
          text: 'Mitä toimitusketjun huolellisuusvelvoite etsii?',
          choices: [
            'Halvempia toimittajia',
            'Ihmisoikeus- ja ympäristöriskejä',
            'Nopeampaa toimitusta',
          ],
        },
      ],
    },
  },
  sv: {
    'sustainability-basics': {
      title: 'Grunderna i hållbarhet',
      questions: [
        {
          text: 'Vilka tre pelare balanserar hållbar utveckling?',
          choices: [
            'Miljömässig, ekonomisk och social',
            'Lokal, nationell och global',
            'Energi, vatten och mat',
          ],
        },
        {
          text: 'Vad mäter en livscykelanalys?',
          choices: [
            'En produkts pris under dess livstid',
            'En produkts miljöpåverkan från råvara till avfall',
            'Hur länge en produkt håller',
          ],
        },
        {
          text: 'Vilket FN-ramverk sätter 17 mål till 2030?',
          choices: [
            'Kyotoprotokollet',
            'De globala målen för hållbar utveckling',
            'Bolognaprocessen',
          ],
        },
      ],
    },
    'climate-and-ecosystems': {
      title: 'Klimat och ekosystem',
      questions: [
        {
          text: 'Vilken gas bidrar mest till den globala uppvärmning som människan orsakar?',
          choices: ['Syre', 'Koldioxid', 'Kväve'],
        },
        {
          text: 'Vad är biologisk mångfald?',
          choices: [
            'Variationen av liv i ett ekosystem',
            'Antalet träd i en skog',
            'En odlingsmetod',
          ],
        },
        {
          text: 'Vilket av dessa lagrar mest kol per hektar?',
          choices: ['Torvmark', 'En parkeringsplats', 'Ett vetefält'],
        },
      ],
    },
    'circular-economy': {
      title: 'Cirkulär ekonomi',
      questions: [
        {
          text: 'Vad strävar en cirkulär ekonomi efter?',
          choices: [
            'Ta, tillverka, kasta',
            'Att hålla material i bruk så länge som möjligt',
            'Att producera mer, snabbare',
          ],
        },
        {
          text: 'Vilken affärsmodell passar bäst i en cirkulär ekonomi?',
          choices: [
            'Engångsförpackningar',
            'Produkt som tjänst, med reparation',
            'Planerat åldrande',
          ],
        },
        {
          text: 'Vad är ”återtillverkning”?',
          choices: [
            'Att återställa begagnade produkter till nyskick',
            'Att bränna avfall för energi',
            'Att flytta en fabrik utomlands',
          ],
        },
      ],
    },
    'fair-work-and-inclusion': {
      title: 'Schysta villkor och inkludering',
      questions: [
        {
          text: 'Vad täcker en lön att leva på?',
          choices: [
            'Bara mat',
            'En skälig levnadsstandard för en arbetstagare och familjen',
            'Skatter',
          ],
        },
        {
          text: 'Vilket är ett exempel på inkluderande design?',
          choices: [
            'Undertexter på videor',
            'En webbplats som bara fungerar med mus',
            'Formulär på bara ett språk',
          ],
        },
        {
          text: 'Vad letar tillbörlig aktsamhet i leverantörskedjan efter?',
          choices: [
            'Billigare leverantörer',
            'Risker för mänskliga rättigheter och miljön',
            'Snabbare frakt',
          ],
        },
      ],
    },
  },
};

export const QUIZ_WORDS: Record<Locale, QuizWords> = {
  en: {
    notLaunched:
      'This quiz was not opened from microcred, so nobody will receive your answers. Open it from your course page in microcred.',
    submit: 'Submit answers',
    summary: 'You answered {correct} of {total} questions right ({percent} %): {verdict}.',
    passed: 'passed',
    notPassed: 'not passed yet',
    sending: 'Sending your result to microcred…',
    sent: 'microcred has your result.',
    back: 'Back to your course in microcred',
    failed: 'Your result could not be sent: {error}',
  },
  de: {
    notLaunched:
      'Dieses Quiz wurde nicht aus microcred geöffnet, daher erhält niemand Ihre Antworten. Öffnen Sie es von Ihrer Kursseite in microcred.',
    submit: 'Antworten absenden',
    summary: 'Sie haben {correct} von {total} Fragen richtig beantwortet ({percent} %): {verdict}.',
    passed: 'bestanden',
    notPassed: 'noch nicht bestanden',
    sending: 'Ihr Ergebnis wird an microcred gesendet …',
    sent: 'microcred hat Ihr Ergebnis.',
    back: 'Zurück zu Ihrem Kurs in microcred',
    failed: 'Ihr Ergebnis konnte nicht gesendet werden: {error}',
  },
  fr: {
    notLaunched:
      'Ce quiz n’a pas été ouvert depuis microcred : personne ne recevra vos réponses. Ouvrez-le depuis votre page de cours dans microcred.',
    submit: 'Envoyer les réponses',
    summary: 'Vous avez répondu juste à {correct} questions sur {total} ({percent} %) : {verdict}.',
    passed: 'réussi',
    notPassed: 'pas encore réussi',
    sending: 'Envoi de votre résultat à microcred…',
    sent: 'microcred a reçu votre résultat.',
    back: 'Retour à votre cours dans microcred',
    failed: 'Votre résultat n’a pas pu être envoyé : {error}',
  },
  es: {
    notLaunched:
      'Este cuestionario no se abrió desde microcred, así que nadie recibirá tus respuestas. Ábrelo desde tu página del curso en microcred.',
    submit: 'Enviar respuestas',
    summary: 'Has acertado {correct} de {total} preguntas ({percent} %): {verdict}.',
    passed: 'aprobado',
    notPassed: 'aún no aprobado',
    sending: 'Enviando tu resultado a microcred…',
    sent: 'microcred tiene tu resultado.',
    back: 'Volver a tu curso en microcred',
    failed: 'No se pudo enviar tu resultado: {error}',
  },
  it: {
    notLaunched:
      'Questo quiz non è stato aperto da microcred, quindi nessuno riceverà le tue risposte. Aprilo dalla tua pagina del corso in microcred.',
    submit: 'Invia le risposte',
    summary: 'Hai risposto correttamente a {correct} domande su {total} ({percent} %): {verdict}.',
    passed: 'superato',
    notPassed: 'non ancora superato',
    sending: 'Invio del risultato a microcred…',
    sent: 'microcred ha il tuo risultato.',
    back: 'Torna al tuo corso in microcred',
    failed: 'Non è stato possibile inviare il risultato: {error}',
  },
  nl: {
    notLaunched:
      'Deze quiz is niet vanuit microcred geopend, dus niemand ontvangt je antwoorden. Open hem vanaf je cursuspagina in microcred.',
    submit: 'Antwoorden versturen',
    summary: 'Je hebt {correct} van de {total} vragen goed ({percent} %): {verdict}.',
    passed: 'geslaagd',
    notPassed: 'nog niet geslaagd',
    sending: 'Je resultaat wordt naar microcred gestuurd…',
    sent: 'microcred heeft je resultaat.',
    back: 'Terug naar je cursus in microcred',
    failed: 'Je resultaat kon niet worden verstuurd: {error}',
  },
  pl: {
    notLaunched:
      'Ten quiz nie został otwarty z microcred, więc nikt nie otrzyma Twoich odpowiedzi. Otwórz go ze swojej strony kursu w microcred.',
    submit: 'Wyślij odpowiedzi',
    summary: 'Poprawne odpowiedzi: {correct} z {total} ({percent} %): {verdict}.',
    passed: 'zaliczone',
    notPassed: 'jeszcze nie zaliczone',
    sending: 'Wysyłanie wyniku do microcred…',
    sent: 'microcred ma Twój wynik.',
    back: 'Wróć do swojego kursu w microcred',
    failed: 'Nie udało się wysłać wyniku: {error}',
  },
  fi: {
    notLaunched:
      'Tätä tehtävää ei avattu microcredistä, joten kukaan ei saa vastauksiasi. Avaa se kurssisivultasi microcredissä.',
    submit: 'Lähetä vastaukset',
    summary: 'Vastasit oikein {correct}/{total} kysymykseen ({percent} %): {verdict}.',
    passed: 'hyväksytty',
    notPassed: 'ei vielä hyväksytty',
    sending: 'Tulostasi lähetetään microcrediin…',
    sent: 'microcred on saanut tuloksesi.',
    back: 'Takaisin kurssillesi microcredissä',
    failed: 'Tulosta ei voitu lähettää: {error}',
  },
  sv: {
    notLaunched:
      'Det här testet öppnades inte från microcred, så ingen får dina svar. Öppna det från din kurssida i microcred.',
    submit: 'Skicka svaren',
    summary: 'Du svarade rätt på {correct} av {total} frågor ({percent} %): {verdict}.',
    passed: 'godkänt',
    notPassed: 'inte godkänt än',
    sending: 'Ditt resultat skickas till microcred …',
    sent: 'microcred har ditt resultat.',
    back: 'Tillbaka till din kurs i microcred',
    failed: 'Ditt resultat kunde inte skickas: {error}',
  },
};

/** The seeded achievement's texts in the other languages (achievement `eu.translations`). */
export const BASICS_TRANSLATIONS: Record<
  Translated,
  { name: string; description: string; criteria: string; learningOutcomes: string[] }
> = {
  de: {
    name: 'Grundlagen der Nachhaltigkeit',
    description: 'Erklärt die drei Säulen der nachhaltigen Entwicklung und wie sie zusammenwirken.',
    criteria: 'Das Quiz „Grundlagen der Nachhaltigkeit“ bestehen.',
    learningOutcomes: [
      'Erklärt die ökologische, ökonomische und soziale Säule der Nachhaltigkeit.',
    ],
  },
  fr: {
    name: 'Les bases de la durabilité',
    description: 'Explique les trois piliers du développement durable et leurs interactions.',
    criteria: 'Réussir le quiz « Les bases de la durabilité ».',
    learningOutcomes: [
      'Expliquer les piliers environnemental, économique et social de la durabilité.',
    ],
  },
  es: {
    name: 'Fundamentos de la sostenibilidad',
    description: 'Explica los tres pilares del desarrollo sostenible y cómo interactúan.',
    criteria: 'Aprobar el cuestionario «Fundamentos de la sostenibilidad».',
    learningOutcomes: ['Explicar los pilares ambiental, económico y social de la sostenibilidad.'],
  },
  it: {
    name: 'Fondamenti di sostenibilità',
    description: 'Spiega i tre pilastri dello sviluppo sostenibile e come interagiscono.',
    criteria: 'Superare il quiz «Fondamenti di sostenibilità».',
    learningOutcomes: ['Spiegare i pilastri ambientale, economico e sociale della sostenibilità.'],
  },
  nl: {
    name: 'Basis van duurzaamheid',
    description: 'Legt de drie pijlers van duurzame ontwikkeling uit en hoe ze samenhangen.',
    criteria: 'De quiz „Basis van duurzaamheid” halen.',
    learningOutcomes: ['Legt de ecologische, economische en sociale pijler van duurzaamheid uit.'],
  },
  pl: {
    name: 'Podstawy zrównoważonego rozwoju',
    description: 'Wyjaśnia trzy filary zrównoważonego rozwoju i ich wzajemne oddziaływanie.',
    criteria: 'Zaliczenie quizu „Podstawy zrównoważonego rozwoju”.',
    learningOutcomes: [
      'Wyjaśnia środowiskowy, ekonomiczny i społeczny filar zrównoważonego rozwoju.',
    ],
  },
  fi: {
    name: 'Kestävyyden perusteet',
    description: 'Selittää kestävän kehityksen kolme pilaria ja niiden vuorovaikutuksen.',
    criteria: 'Tehtävän ”Kestävyyden perusteet” hyväksytty suoritus.',
    learningOutcomes: ['Selittää kestävyyden ekologisen, taloudellisen ja sosiaalisen pilarin.'],
  },
  sv: {
    name: 'Grunderna i hållbarhet',
    description: 'Förklarar hållbar utvecklings tre pelare och hur de samverkar.',
    criteria: 'Godkänt på testet ”Grunderna i hållbarhet”.',
    learningOutcomes: ['Förklarar hållbarhetens miljömässiga, ekonomiska och sociala pelare.'],
  },
};

/** A quiz in `locale`: its texts translated, its slug, pillar and answers unchanged. */
export function localizedActivity(activity: DemoActivity, locale: Locale): DemoActivity {
  if (locale === 'en') return activity;
  const texts = ACTIVITY_TEXTS[locale][activity.slug];
  if (!texts) throw new TypeError(`No ${locale} texts for the demo quiz ${activity.slug}`);
  return {
    ...activity,
    title: texts.title,
    questions: activity.questions.map((question, index) => {
      const translated = texts.questions[index];
      if (translated?.choices.length !== question.choices.length) {
        throw new TypeError(`The ${locale} texts of ${activity.slug} miss question ${index + 1}`);
      }
      return { ...question, text: translated.text, choices: translated.choices };
    }),
  };
}

/** A quiz's title in every language, as the tool's activity list takes names. */
export function activityNames(activity: DemoActivity): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(ACTIVITY_TEXTS) as Translated[]).map((locale) => [
      locale,
      localizedActivity(activity, locale).title,
    ]),
  );
}
